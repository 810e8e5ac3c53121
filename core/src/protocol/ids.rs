//! The three identifiers the protocol moves around, as types of their own.
//!
//! Invariants:
//! - a [`ClientId`] (chosen by the widget for its own message, the idempotency key), a
//!   [`ConversationId`] and a [`MessageId`] (both chosen by the server) cannot be passed
//!   one for another: mixing them up is a compile error, not a message sent into the
//!   wrong conversation;
//! - each reads as a `&str` (`Deref`), but a `String` or another kind of id is not
//!   accepted where one is expected: making one is explicit (`From`, `.into()`);
//! - each is its string and nothing more: serde-transparent on the wire and in saved
//!   state (`"k_01HZX4"`, never `{"0": …}`), so frames and stored chats are unchanged;
//! - the frame readers check them (non-empty, at most `MAX_ID_CHARS`); building one by
//!   hand with `From` checks nothing, as for any other field of a frame to encode.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as it travels.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, giving up the type (for storage or a JavaScript value).
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        /// Reads as its string (as ruma's owned ids deref to borrowed ones): looking an
        /// id up, comparing or logging it needs no conversion, while passing one kind
        /// of id where another is expected still does not compile.
        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Lets maps keyed by the id be searched with a `&str`; the hashes agree
        /// because the id hashes as its string.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

id_type! {
    /// The id the widget gives its own message before sending it: the server's
    /// idempotency key (a repeated one is acknowledged again, never stored twice), and
    /// how the widget recognises the echo of its message.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ClientId;
    /// let id = ClientId::from("k_01HZX4");
    /// assert_eq!(id.as_str(), "k_01HZX4");
    /// assert_eq!(serde_json::to_string(&id).unwrap(), r#""k_01HZX4""#);
    /// ```
    ClientId
}

id_type! {
    /// The server's id of a conversation, learnt from the `ack` (or
    /// `conversation_started`) of the visitor's first message.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ConversationId;
    /// let id: ConversationId = "c_81".into();
    /// assert_eq!(id, "c_81");
    /// assert_eq!(id.to_string(), "c_81");
    /// ```
    ConversationId
}

id_type! {
    /// The server's id of a stored message, unique within the backend.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::MessageId;
    /// let id = MessageId::from(String::from("m_7"));
    /// assert_eq!(String::from(id), "m_7");
    /// ```
    MessageId
}
