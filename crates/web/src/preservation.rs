//! What the server knows of the archive's preservation: how far the preservation copy follows
//! the store, and the last fixity check's result. The command line that runs the server
//! measures both (it owns the data folder) and reports them here; `/api/v1/health` shows them.

use time::OffsetDateTime;

/// The last fixity check: counts only (which files failed is for the operator's log, not the
/// public).
#[derive(Debug, Clone, PartialEq)]
pub struct FixityRun {
    /// When it finished.
    pub finished: OffsetDateTime,
    /// How long it took.
    pub seconds: f64,
    /// Stored source files hashed.
    pub sources: u64,
    /// Of which no longer match.
    pub source_failures: u64,
    /// Objects of the preservation copy checked.
    pub objects: u64,
    /// Files of the copy that no longer match (or inventories that do not).
    pub copy_failures: u64,
}

impl FixityRun {
    /// Whether everything matched.
    pub fn passed(&self) -> bool {
        self.source_failures == 0 && self.copy_failures == 0
    }
}

/// What the server was last told about preservation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preservation {
    /// The last store change the preservation copy holds (`None`: no copy, or not reported).
    pub copy_change: Option<i64>,
    /// The last fixity check, if one has run since the server started.
    pub fixity: Option<FixityRun>,
    /// Whether a check is running now.
    pub checking: bool,
}
