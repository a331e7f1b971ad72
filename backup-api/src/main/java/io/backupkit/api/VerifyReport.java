package io.backupkit.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What the engine's {@code verify} found: a stored backup read from its server and checked without
 * restoring it and without touching any module. The answer of the HTTP API's verify action (JSON
 * {@code verify_report}: {@code {"backup_id", "entries", "bytes", "stored_bytes", "digest"?,
 * "digest_check", "failure"?}}); not a type of the specification.
 *
 * <p>A report that is {@link #ok()} proves that the archive on the server is whole and is the archive
 * its digest describes: every entry's content has the SHA-256 the manifest lists, every entry's name,
 * type, size, mode and modification time is the manifest's, the compressed bytes pass their codec's
 * checksum, nothing is in the archive that the manifest does not list, and the manifest is the one the
 * digest is taken of. With {@link DigestCheck#MATCHED} the digest is also the one this device recorded
 * when it wrote the backup, so the filer did not replace it. It does not prove that a module can read the
 * data back (that only a restore does), nor anything about a backup this engine has no record of beyond
 * its own consistency.
 *
 * @param backupId the backup; never null
 * @param entries the entries checked
 * @param bytes the bytes of entry content checked
 * @param storedBytes the bytes of the archive as stored (compressed) that were read
 * @param digest the backup's digest as its record on the server gives it; null when the record has none
 * @param digestCheck what the digest was checked against besides the archive; never null
 * @param failure the first failure, naming the entry where there is one; null when the backup is whole
 */
public record VerifyReport(String backupId, long entries, long bytes, long storedBytes, String digest,
        DigestCheck digestCheck, String failure) {
    public VerifyReport {
        requireNonNull(backupId, "backupId is null");
        requireNonNull(digestCheck, "digestCheck is null");
        if (entries < 0 || bytes < 0 || storedBytes < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** Whether the backup is whole. */
    public boolean ok() {
        return failure == null;
    }

    /** The first failure, if any. */
    public Optional<String> firstFailure() {
        return Optional.ofNullable(failure);
    }
}
