//! Compression at rest: record bodies (`records.body`, `record_revisions.body`, `drafts.body`)
//! and kept source files (`sources.bytes`) are written as zstd frames.
//!
//! Why zstd: at level 3 a FRUS body (JSON holding a TEI fragment and its text) shrinks about
//! 3.9× and a FRUS volume (TEI XML) about 4.5×, where lz4 gives 2.6× and 2.7×. Decoding is not
//! free: a page that reads many records (search, home) measured 3–9 % slower (BENCHMARKS.md).
//! Every frame records its content size, so decoding allocates once and is bounded before it
//! starts (a frame that does not say its size was not written here and is refused), and a
//! checksum of its content.

/// The zstd level written: zstd's own default.
const LEVEL: i32 = 3;

/// The most bytes a stored body may decode to: far above any body the import limits let in (a
/// record's text and TEI are bounded by `chancery-ingest`'s limits), so only a damaged or forged
/// row reaches it, and it is refused rather than allocated.
pub(crate) const MAX_BODY_BYTES: usize = 512 * 1024 * 1024;

/// The most bytes a kept source file may decode to: the import's limit on a source file
/// (`chancery_ingest::MAX_SOURCE_BYTES`, 256 MiB) with room to spare.
pub(crate) const MAX_SOURCE_BYTES: usize = 512 * 1024 * 1024;

/// How a kept source file's bytes are stored (`sources.encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// As imported (sources kept before schema 11).
    Identity,
    /// One zstd frame of the bytes as imported.
    Zstd,
}

impl Encoding {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Zstd => "zstd",
        }
    }

    pub(crate) fn parse(key: &str) -> Option<Encoding> {
        match key {
            "identity" => Some(Encoding::Identity),
            "zstd" => Some(Encoding::Zstd),
            _ => None,
        }
    }
}

/// `bytes` as one zstd frame, with its content size and a checksum of the content (so that a
/// damaged frame fails to decode rather than decoding to other bytes).
pub(crate) fn compress(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        // One compression context per thread, reused: making one per body costs more than
        // compressing a short body.
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|slot| {
        // With a valid level and parameters, making a context and compressing a slice in memory
        // fail only where allocation does, and that aborts the process before it could return.
        let compressor = slot.get_or_insert_with(|| {
            let mut compressor =
                zstd::bulk::Compressor::new(LEVEL).expect("a zstd context at a valid level");
            compressor.include_checksum(true).expect("zstd takes the checksum flag");
            compressor.include_contentsize(true).expect("zstd takes the content size flag");
            compressor
        });
        compressor.compress(bytes).expect("zstd compresses any slice at a valid level")
    })
}

/// The bytes of one zstd frame, or why not: not a frame, damaged, or more than `limit` bytes.
pub(crate) fn decompress(frame: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    // Every frame this store writes declares its size; one that does not was not written here,
    // and decoding it would mean reserving the whole limit up front.
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size > limit as u64 => {
            return Err(format!("it would decode to {size} bytes; the limit is {limit}"));
        }
        Ok(Some(size)) => size as usize,
        Ok(None) => return Err("the frame does not declare its content size".to_string()),
        Err(_) => return Err("it is not a zstd frame".to_string()),
    };
    thread_local! {
        // One decompression context per thread, reused (making one showed in import profiles).
        static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    DECOMPRESSOR.with_borrow_mut(|slot| {
        let decompressor = match slot {
            Some(decompressor) => decompressor,
            None => slot.insert(
                zstd::bulk::Decompressor::new()
                    .map_err(|e| format!("no zstd decompression context: {e}"))?,
            ),
        };
        let decoded = decompressor.decompress(frame, size);
        if decoded.is_err() {
            // A context that failed is not trusted with the next frame.
            *slot = None;
        }
        decoded.map_err(|e| format!("it does not decode: {e}"))
    })
}
