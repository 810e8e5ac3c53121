//! E-mail: rendering transcripts, sending the outbox over SMTP, and a minimal SMTP
//! sink for the demo and the tests.

pub mod outbox_worker;
pub mod smtp_sink;
pub mod transcript;
