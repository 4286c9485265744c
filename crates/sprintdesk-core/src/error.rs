//! Why a use case did not happen, and the one `{code, message}` error that crosses the IPC/HTTP boundary.
//! Codes are an enum ([`ErrorCode`], exported to TypeScript): HTTP statuses and the UI's headings are chosen
//! by matching on it, so a new code cannot be forgotten anywhere the compiler looks.

use serde::Serialize;
use sprintdesk_domain::{ClaimRefusal, ValidationError};
use sprintdesk_store::StoreError;

/// Why a use case did not happen. Every message is meant for the person who asked, and nothing was
/// changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no sprint is set up in this database yet; create one with `sprintdesk init` or try `sprintdesk demo`")]
    NoSprint,
    /// The sprint's name, and what to do instead (empty, or starting with "; ").
    #[error("this database already holds the sprint \"{0}\"{1}")]
    SprintExists(String, &'static str),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Ambiguous(String),
    /// Not a sprint day, a break day, or after closing time.
    #[error("{0}")]
    VenueClosed(String),
    /// The undo token's few seconds have passed.
    #[error("{0}")]
    TooLateToUndo(String),
    /// The undo token was used already, or this app restarted since.
    #[error("{0}")]
    NothingToUndo(String),
    #[error("{0}")]
    AlreadyMerged(String),
    /// A pull request cannot be opened for an issue that is merged or closed.
    #[error("{0}")]
    IssueClosed(String),
    #[error("{0}")]
    ConsentNeeded(String),
    #[error("{0}")]
    NotSignedIn(String),
    /// This device may not do that (a locked kiosk, a wrong PIN).
    #[error("{0}")]
    NotAllowed(String),
    /// Too many wrong guesses: wrong PINs in a row (the PIN is not checked for a while), or a wrong table
    /// for a person at the door (tables are not checked for them for a while).
    #[error("{0}")]
    TooManyTries(String),
    #[error(transparent)]
    Refused(#[from] ClaimRefusal),
    #[error("{}", import_message(.0, None))]
    Import(Vec<RowError>),
    /// An attendee file with bad rows and good ones: nothing imported, and the good ones can be imported
    /// without the bad if the organizer asks.
    #[error("{}", import_message(.bad, Some(*.good)))]
    ImportBadRows { bad: Vec<RowError>, good: usize },
    /// An attendee file for another event than the lists imported before it (or for several): nothing
    /// imported until the organizer says it is this sprint's.
    #[error("{0}")]
    AnotherEvent(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Identity(#[from] sprintdesk_store::DeviceIdError),
    /// A folder Sprintdesk needs could not be found or made.
    #[error("{0}")]
    Folder(String),
}

/// One bad row of an import file: its line (or item) number and why, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RowError {
    /// `line 4` for CSV, `item 4` for JSON.
    pub place: String,
    pub message: String,
}

fn import_message(rows: &[RowError], good: Option<usize>) -> String {
    let plural = |n: usize| if n == 1 { "row" } else { "rows" };
    let mut text = format!("nothing was imported: {} {} must be fixed first", rows.len(), plural(rows.len()));
    if let Some(good) = good {
        text.push_str(&format!(", or left out to import the other {good} {}", plural(good)));
    }
    for row in rows {
        text.push_str(&format!("\n  {}: {}", row.place, row.message));
    }
    text
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident => $status:literal,)*) => {
        /// What kind of refusal an [`ApiError`] is, for front ends to branch on (the UI's heading, the HTTP
        /// status). Serialized in snake case: `venue_closed`, `too_late_to_undo`, …
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$doc])* $code,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code,)*];

            /// The HTTP status `sprintdesk serve` answers with.
            pub fn http_status(self) -> u16 {
                match self {
                    $(ErrorCode::$code => $status,)*
                }
            }
        }
    };
}

error_codes! {
    NoSprint => 409,
    SprintExists => 409,
    /// Input that breaks a rule (a field of a form).
    Invalid => 422,
    NotFound => 404,
    Ambiguous => 422,
    VenueClosed => 409,
    TooLateToUndo => 409,
    NothingToUndo => 404,
    AlreadyMerged => 409,
    IssueClosed => 409,
    ConsentNeeded => 409,
    NotSignedIn => 409,
    NotAllowed => 403,
    /// Too many wrong guesses (PINs, or a person's table at the door): locked for a while.
    TooManyTries => 429,
    ClaimRefused => 409,
    ImportRejected => 422,
    /// An attendee file that names another event than the lists imported before: imported only when the
    /// organizer says it is this sprint's list.
    AnotherEvent => 409,
    /// The database could not be read or written.
    Storage => 500,
    /// No command has that name (a front end newer or older than this device).
    UnknownCommand => 404,
    /// The command's arguments did not fit (a front end out of step with this device).
    BadArguments => 422,
    /// The address given for joining answers, but not as Sprintdesk.
    NotSprintdesk => 502,
    /// Another process already runs this database's LAN peer.
    AlreadyServed => 409,
    /// The other device could not be reached.
    Unreachable => 502,
    /// A device presented a certificate that is not the one it was paired with.
    Impostor => 403,
    /// The other device runs a version of Sprintdesk whose sync protocol this one does not speak.
    OtherVersion => 502,
    SyncFailed => 500,
    /// Something that should not happen: a fault in Sprintdesk itself.
    Internal => 500,
}

impl Error {
    /// What kind of refusal this is.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NoSprint => ErrorCode::NoSprint,
            Error::SprintExists(..) => ErrorCode::SprintExists,
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Ambiguous(_) => ErrorCode::Ambiguous,
            Error::VenueClosed(_) => ErrorCode::VenueClosed,
            Error::TooLateToUndo(_) => ErrorCode::TooLateToUndo,
            Error::NothingToUndo(_) => ErrorCode::NothingToUndo,
            Error::AlreadyMerged(_) => ErrorCode::AlreadyMerged,
            Error::IssueClosed(_) => ErrorCode::IssueClosed,
            Error::ConsentNeeded(_) => ErrorCode::ConsentNeeded,
            Error::NotSignedIn(_) => ErrorCode::NotSignedIn,
            Error::NotAllowed(_) | Error::Store(StoreError::NotAllowed(_)) => ErrorCode::NotAllowed,
            Error::TooManyTries(_) => ErrorCode::TooManyTries,
            Error::Refused(_) => ErrorCode::ClaimRefused,
            Error::Import(_) | Error::ImportBadRows { .. } => ErrorCode::ImportRejected,
            Error::AnotherEvent(_) => ErrorCode::AnotherEvent,
            Error::Store(_) | Error::Identity(_) | Error::Folder(_) => ErrorCode::Storage,
        }
    }
}

/// The one error that crosses the IPC/HTTP boundary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The bad rows, for an import that was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<RowError>>", optional)]
    pub rows: Vec<RowError>,
    /// For an attendee import refused for its bad rows: how many good rows it would import with the bad
    /// ones left out (`leave_out_bad_rows`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub importable: Option<usize>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), rows: Vec::new(), importable: None }
    }
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> Self {
        let (rows, importable) = match error {
            Error::Import(rows) => (rows.clone(), None),
            Error::ImportBadRows { bad, good } => (bad.clone(), Some(*good)),
            _ => (Vec::new(), None),
        };
        ApiError { code: error.code(), message: error.to_string(), rows, importable }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_on_the_wire_and_distinct() {
        let names: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|code| serde_json::to_value(code).unwrap().as_str().unwrap().to_owned())
            .collect();
        assert!(names.contains(&"too_late_to_undo".to_owned()) && names.contains(&"venue_closed".to_owned()));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code:?}");
        }
    }
}
