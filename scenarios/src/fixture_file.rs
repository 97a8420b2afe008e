//! Writing recorded histories as fixtures: canonical JSON, checked to read back unchanged.

use std::path::Path;

use temporalio_protos::temporal::api::history::v1::History;
use wfkit_history::{Format, HistoryError};

/// Why a fixture could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// Writing or reading back failed.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The file reads back as something else than what was written.
    #[error("{0} does not read back as the history that was written")]
    Mismatch(String),
}

/// Writes one history in canonical JSON and checks that it reads back unchanged.
pub fn write_fixture(path: &Path, history: &History) -> Result<(), FixtureError> {
    wfkit_history::save_file(path, std::slice::from_ref(history), Format::Json)?;
    let loaded = wfkit_history::load_file(path)?;
    if loaded.histories.as_slice() != std::slice::from_ref(history) {
        return Err(FixtureError::Mismatch(path.display().to_string()));
    }
    Ok(())
}
