//! The sitechat widget (filled in by the foundation work).
