//! Why a command was not run: the core's refusal, a sync or pairing failure, or a request that does not
//! fit any command. All of them leave as the one `{code, message}` [`ApiError`].

use sprintdesk_core::{ApiError, ErrorCode};
use sprintdesk_sync::SyncError;
use sprintdesk_sync::message::ProtocolError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] sprintdesk_core::Error),
    #[error(transparent)]
    Sync(SyncError),
    #[error("there is no command called {0}")]
    UnknownCommand(String),
    #[error("the request to {command} did not make sense: {reason}")]
    BadArguments { command: &'static str, reason: String },
    /// Something answered at the join address, but not Sprintdesk (a web server on that port, say).
    #[error("{0} is not a Sprintdesk device: check the address on the organizer's Devices page")]
    NotSprintdesk(String),
    /// Another process already runs this database's LAN peer.
    #[error("{0}")]
    AlreadyServed(String),
    /// A file a person downloads could not be saved.
    #[error("{0}")]
    NotSaved(String),
    /// The printer did not take a badge.
    #[error("{0}")]
    NotPrinted(String),
}

impl From<SyncError> for Error {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Store(error) => Error::Core(error.into()),
            error => Error::Sync(error),
        }
    }
}

impl From<sprintdesk_core::store::StoreError> for Error {
    fn from(error: sprintdesk_core::store::StoreError) -> Self {
        Error::Core(error.into())
    }
}

impl From<sprintdesk_core::domain::ValidationError> for Error {
    fn from(error: sprintdesk_core::domain::ValidationError) -> Self {
        Error::Core(error.into())
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Core(error) => error.code(),
            Error::Sync(error) => match error {
                SyncError::NotPaired | SyncError::Revoked | SyncError::Denied(_) | SyncError::JoinRefused(_) => {
                    ErrorCode::NotAllowed
                }
                SyncError::Impostor => ErrorCode::Impostor,
                // Not to be tried again as it is: one of the two devices needs updating.
                SyncError::Protocol(ProtocolError::Version { .. }) => ErrorCode::OtherVersion,
                // The other end answered, with a certificate, an alert or bytes this device refuses: not a
                // network that failed, and not to be retried as one.
                SyncError::Protocol(ProtocolError::Io(io)) if io.kind() == std::io::ErrorKind::InvalidData => {
                    ErrorCode::SyncFailed
                }
                SyncError::Protocol(ProtocolError::Io(_)) => ErrorCode::Unreachable,
                // The network or the other device went away mid-sync: worth trying again, as README's exit
                // code 3 says (it was 1, "refused").
                SyncError::Closed | SyncError::ClosedUnanswered | SyncError::Silent => ErrorCode::Unreachable,
                SyncError::Store(_) => ErrorCode::Storage,
                _ => ErrorCode::SyncFailed,
            },
            Error::UnknownCommand(_) => ErrorCode::UnknownCommand,
            Error::BadArguments { .. } => ErrorCode::BadArguments,
            Error::NotSprintdesk(_) => ErrorCode::NotSprintdesk,
            Error::AlreadyServed(_) => ErrorCode::AlreadyServed,
            Error::NotSaved(_) => ErrorCode::Storage,
            Error::NotPrinted(_) => ErrorCode::Unreachable,
        }
    }
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> Self {
        match error {
            Error::Core(core) => core.into(),
            error => ApiError::new(error.code(), error.to_string()),
        }
    }
}
