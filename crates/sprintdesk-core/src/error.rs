use serde::Serialize;
use sprintdesk_domain::{ClaimRefusal, ValidationError};
use sprintdesk_store::StoreError;

/// Why a use case did not happen. Every message is meant for the person who asked, and nothing was
/// changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no sprint is set up in this database yet; create one with `sprintdesk init` or try `sprintdesk demo`")]
    NoSprint,
    #[error("this database already holds the sprint \"{0}\"")]
    SprintExists(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Ambiguous(String),
    #[error("{0}")]
    Closed(String),
    #[error("{0}")]
    ConsentNeeded(String),
    #[error("{0}")]
    NotSignedIn(String),
    /// This device may not do that (a locked kiosk, a wrong PIN).
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Refused(#[from] ClaimRefusal),
    #[error("{}", import_message(.0))]
    Import(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Identity(#[from] sprintdesk_store::DeviceIdError),
    #[error(transparent)]
    Sync(#[from] sprintdesk_sync::SyncError),
}

/// One bad row of an import file: its line (or item) number and why, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RowError {
    /// `line 4` for CSV, `item 4` for JSON.
    pub place: String,
    pub message: String,
}

fn import_message(rows: &[RowError]) -> String {
    let mut text = format!(
        "nothing was imported: {} {} must be fixed first",
        rows.len(),
        if rows.len() == 1 { "row" } else { "rows" }
    );
    for row in rows {
        text.push_str(&format!("\n  {}: {}", row.place, row.message));
    }
    text
}

impl Error {
    /// A stable machine-readable code for front ends to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoSprint => "no_sprint",
            Error::SprintExists(_) => "sprint_exists",
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Ambiguous(_) => "ambiguous",
            Error::Closed(_) => "venue_closed",
            Error::ConsentNeeded(_) => "consent_needed",
            Error::NotSignedIn(_) => "not_signed_in",
            Error::NotAllowed(_) => "not_allowed",
            Error::Refused(_) => "claim_refused",
            Error::Import(_) => "import_rejected",
            Error::Store(_) | Error::Identity(_) => "storage",
            Error::Sync(error) => {
                use sprintdesk_sync::SyncError;
                match error {
                    SyncError::NotPaired | SyncError::Revoked | SyncError::Denied(_) => "not_allowed",
                    SyncError::Impostor => "impostor",
                    SyncError::Protocol(sprintdesk_sync::message::ProtocolError::Io(_)) => "unreachable",
                    SyncError::Store(_) => "storage",
                    _ => "sync_failed",
                }
            }
        }
    }
}

/// The one error that crosses the IPC/HTTP boundary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    /// The bad rows, for an import that was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<RowError>>", optional)]
    pub rows: Vec<RowError>,
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> Self {
        let rows = match error {
            Error::Import(rows) => rows.clone(),
            _ => Vec::new(),
        };
        ApiError { code: error.code().to_owned(), message: error.to_string(), rows }
    }
}
