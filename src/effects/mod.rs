//! Effects the store carries out in the browser, each owning what it holds.

pub mod persistence;
