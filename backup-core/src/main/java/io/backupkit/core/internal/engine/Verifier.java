package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.DigestCheck;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.VerifyReport;
import io.backupkit.core.internal.archive.ArchiveReader;
import io.backupkit.core.internal.archive.ManifestCopy;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies stored backups without restoring them: the archive streams from its server through every
 * check of a restore (the manifest copy against the digest, every entry against the manifest, every
 * content against its SHA-256, the digest against this engine's own record) and no module is touched.
 * It is read-only, so it runs beside backups and restores, outside the engine's one-operation slot; at
 * most one verify runs at a time.
 */
public final class Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final ServerRecords servers;
    private final EngineState state;
    private final DigestRecords digests;
    private final AtomicReference<Run> running = new AtomicReference<>();

    public Verifier(ServerRecords servers, EngineState state) {
        this.servers = servers;
        this.state = state;
        this.digests = new DigestRecords(state);
    }

    /**
     * Verifies a completed backup; a failure of the backup is in the report, a failure to reach it thrown.
     *
     * @param progress told how many more bytes of the stored archive were read
     * @throws BackupException BUSY when another verify runs; NOT_FOUND, INVALID_INPUT for a backup that is
     *     not completed, TRANSPORT_FAILED, ABORTED
     */
    public VerifyReport verify(long serverId, String backupId, LongConsumer progress) {
        state.checkOpen();
        Server server = servers.get(serverId);
        Run run = new Run();
        if (!running.compareAndSet(null, run)) {
            throw new BackupException(ErrorCode.BUSY, "Another verify is running; one runs at a time");
        }
        try {
            return run.verify(server, backupId, progress);
        } finally {
            running.set(null);
        }
    }

    /** Aborts the running verify; false when none runs. */
    public boolean abort() {
        Run run = running.get();
        if (run == null) {
            return false;
        }
        run.cancel();
        return true;
    }

    /** What a check of an archive counted. */
    record Counts(long entries, long bytes, long stored) {
    }

    /**
     * Checks a whole archive against its manifest copy, as a restore would, without a module: every entry
     * against the manifest, every content against its SHA-256, the archive's own manifest against the
     * copy, and its stored size against its record's.
     *
     * @throws BackupException INTEGRITY naming the first failure
     */
    static Counts check(InputStream archive, ManifestCopy manifest, long size, Cancellation cancellation,
            Path spool, LongConsumer progress) throws IOException {
        long entries = 0;
        long bytes = 0;
        try (ArchiveReader reader = new ArchiveReader(archive, ArchiveReader.Limits.DEFAULT, cancellation, spool,
                progress)) {
            reader.expect(manifest);
            reader.header();
            byte[] buffer = new byte[1 << 16];
            while (reader.nextModule() != null) {
                EntrySource source = reader.entries();
                for (Entry entry = source.next(); entry != null; entry = source.next()) {
                    entries++;
                    if (!entry.directory()) {
                        InputStream content = source.content();
                        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
                            bytes += n;
                        }
                    }
                }
            }
            reader.finish();
            if (reader.storedBytes() != size) {
                throw new BackupException(ErrorCode.INTEGRITY, "The archive is " + reader.storedBytes() + " bytes, its"
                        + " record says " + size);
            }
            return new Counts(entries, bytes, reader.storedBytes());
        }
    }

    /** One verify. */
    private final class Run implements Cancellation {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Transport transport;

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }

        void cancel() {
            cancelled.set(true);
            Transport t = transport;
            if (t != null) {
                Catalogue.closeQuietly(t); // a read blocked on the server fails at once
            }
        }

        VerifyReport verify(Server server, String backupId, LongConsumer progress) {
            long entries = 0;
            long bytes = 0;
            long stored = 0;
            String digest = null;
            DigestCheck check = DigestCheck.NOT_RECORDED;
            try (Transport t = servers.open(server)) {
                transport = t;
                if (cancelled.get()) {
                    throw new BackupException(ErrorCode.ABORTED, "The verify was aborted");
                }
                Sidecar sidecar = Catalogue.sidecar(t, server, backupId);
                Catalogue.completed(sidecar, "verified");
                digest = sidecar.digest();
                check = digests.compare(backupId, digest);
                if (check == DigestCheck.DIFFERS) {
                    digests.check(backupId, digest); // says how, as a failure of the report
                }
                ManifestCopy manifest = Catalogue.fetchManifest(t, sidecar, state.store().spoolDirectory());
                Counts counts;
                try {
                    counts = check(t.open(sidecar.archive()), manifest, sidecar.backup().size(), this,
                            state.store().spoolDirectory(), progress);
                } finally {
                    Files.deleteIfExists(manifest.file());
                }
                entries = counts.entries();
                bytes = counts.bytes();
                stored = counts.stored();
                LOG.info("Verified backup '{}' on server '{}': {} entries, {} bytes, digest {} ({})", backupId,
                        server.name(), entries, bytes, digest, check);
                return new VerifyReport(backupId, entries, bytes, stored, digest, check, null);
            } catch (IOException | RuntimeException e) {
                if (cancelled.get()) {
                    throw BackupRun.aborted(e);
                }
                BackupException failure = Failures.classify(e);
                if (failure.code() != ErrorCode.INTEGRITY) {
                    throw failure;
                }
                LOG.warn("Backup '{}' on server '{}' failed verification: {}", backupId, server.name(),
                        failure.getMessage());
                return new VerifyReport(backupId, entries, bytes, stored, digest, check, failure.getMessage());
            } finally {
                transport = null;
            }
        }
    }
}
