package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.ArchiveDownload;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.archive.ArchiveHeader;
import io.backupkit.core.internal.archive.ArchiveReader;
import io.backupkit.core.internal.archive.Codecs;
import io.backupkit.core.internal.archive.Digests;
import io.backupkit.core.internal.archive.ManifestCopy;
import io.backupkit.core.internal.archive.TappedInput;
import io.backupkit.core.internal.archive.VerifyingInput;
import io.backupkit.core.internal.failure.Blame;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.engine.Sidecar.ManifestRef;
import io.backupkit.core.internal.failure.Party;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is stored on the servers: the backups listed from their records ({@code <id>.json}), one
 * backup's record, the download and the import of an archive, and deleting a backup. The filer is the
 * truth: a listing shows every device's backups on that path.
 */
public final class Catalogue {
    private static final Logger LOG = LoggerFactory.getLogger(Catalogue.class);

    private final ServerRecords servers;
    private final DigestRecords digests;
    private final EngineState state;
    private final Slot slot;

    public Catalogue(ServerRecords servers, EngineState state, Slot slot) {
        this.digests = new DigestRecords(state);
        this.servers = servers;
        this.state = state;
        this.slot = slot;
    }

    /** Every backup on a server, oldest first; this engine's interrupted ones are marked failed on the way. */
    public Backups list(long serverId) {
        Server server = servers.get(serverId);
        String current = slot.currentBackupId();
        String systemId = state.systemId();
        List<CompletedBackup> backups = new ArrayList<>();
        try (Transport transport = servers.open(server)) {
            for (StoredObject object : transport.list()) {
                if (!object.name().endsWith(Sidecar.SUFFIX)) {
                    continue;
                }
                Sidecar sidecar;
                try {
                    sidecar = Sidecar.read(transport, object.name());
                } catch (BackupException e) {
                    LOG.warn("Skipping '{}' on server '{}': {}", object.name(), server.name(), e.getMessage());
                    continue;
                } catch (IOException e) {
                    if (Failures.find(e, NoSuchFileException.class) != null) {
                        continue; // deleted since the listing
                    }
                    throw e;
                }
                if (sidecar.backup().status() == Status.STARTED && sidecar.systemId().equals(systemId)
                        && !sidecar.backup().id().equals(current)) {
                    sidecar = markInterrupted(transport, sidecar);
                }
                backups.add(onServer(sidecar.backup(), serverId));
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(e);
        }
        backups.sort(Comparator.comparingLong(CompletedBackup::createdOn).thenComparing(CompletedBackup::id));
        return new Backups(serverId, backups);
    }

    /** One backup's record. */
    public CompletedBackup get(long serverId, String backupId) {
        Server server = servers.get(serverId);
        try (Transport transport = servers.open(server)) {
            return onServer(sidecar(transport, server, backupId).backup(), serverId);
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(e);
        }
    }

    /** A record as listed on a server: with that server's id. */
    static CompletedBackup onServer(CompletedBackup b, long serverId) {
        return new CompletedBackup(b.id(), b.name(), b.desc(), serverId, b.status(), b.hostname(), b.swVersion(),
                b.model(), b.serial(), b.createdOn(), b.contents(), b.size(), b.sid());
    }

    /** The record of a backup on a connected server, or {@code NOT_FOUND}. */
    static Sidecar sidecar(Transport transport, Server server, String backupId) throws IOException {
        if (EntryNames.problem(backupId) != null || backupId.contains("/") || backupId.startsWith(".")) {
            throw notFound(server, backupId);
        }
        try {
            return Sidecar.read(transport, Sidecar.name(backupId));
        } catch (IOException e) {
            if (Failures.find(e, NoSuchFileException.class) != null) {
                throw notFound(server, backupId);
            }
            throw e;
        }
    }

    private static BackupException notFound(Server server, String backupId) {
        return new BackupException(ErrorCode.NOT_FOUND, "Backup '" + backupId + "' does not exist on server '"
                + server.name() + "'");
    }

    /** The record of a backup that can be read back whole, or {@code INVALID_INPUT} saying its status. */
    static CompletedBackup completed(Sidecar sidecar, String what) {
        CompletedBackup backup = sidecar.backup();
        if (backup.status() != Status.COMPLETED) {
            throw new BackupException(ErrorCode.INVALID_INPUT, "Backup '" + backup.id() + "' has status '"
                    + backup.status().wire() + "'; only a completed backup can be " + what);
        }
        if (sidecar.digest() == null || sidecar.manifest() == null) {
            throw new BackupException(ErrorCode.INTEGRITY, "Backup '" + backup.id() + "' is completed but its record"
                    + " has no digest, so it cannot be verified; it is not " + what);
        }
        return backup;
    }

    /**
     * The copy of a completed backup's manifest stored beside its archive, fetched to a local file in
     * {@code spool} and checked against the backup's digest: every entry is checked against it before the
     * entry streams. The caller deletes the file.
     */
    static ManifestCopy fetchManifest(Transport transport, Sidecar sidecar, Path spool) throws IOException {
        ManifestRef ref = sidecar.manifest();
        String backupId = sidecar.backup().id();
        Path file = Files.createTempFile(spool, "backupkit-manifest-", ".json");
        try {
            MessageDigest digest = Digests.sha256();
            long copied;
            try (InputStream in = transport.open(ref.object());
                    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                copied = new TappedInput(in, digest::update).copyTo(out, ref.size() + 1);
            }
            if (copied != ref.size() || !Digests.hex(digest).equals(sidecar.digest())) {
                throw new BackupException(ErrorCode.INTEGRITY, "The manifest copy of backup '" + backupId
                        + "' does not match its digest: it was changed or damaged on the server");
            }
            return new ManifestCopy(file, ref.size(), sidecar.digest());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Deletes a backup (its archive, then its record); not the one being written. */
    public void delete(long serverId, String backupId) {
        Server server = servers.get(serverId);
        if (backupId.equals(slot.currentBackupId())) {
            throw slot.busy();
        }
        try (Transport transport = servers.open(server)) {
            Sidecar sidecar = sidecar(transport, server, backupId);
            Leftovers.remove(transport, List.of(sidecar.archive(), Sidecar.manifestName(backupId)));
            transport.delete(Sidecar.name(backupId)); // the record last: a backup is listed until it is gone
            transport.removeTemporaries(Sidecar.name(backupId));
            digests.forget(backupId);
            LOG.info("Deleted backup '{}' from server '{}'", backupId, server.name());
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(e);
        }
    }

    /**
     * The archive of a completed backup as stored, with its name and compression; closing it disconnects.
     * It is checked as it streams (every check of a restore, on a thread of its own): the read that would
     * end it fails instead when the archive does not pass, so a damaged archive never downloads whole.
     */
    public ArchiveDownload open(long serverId, String backupId) {
        Server server = servers.get(serverId);
        Transport transport = servers.open(server);
        ManifestCopy manifest = null;
        try {
            Sidecar sidecar = sidecar(transport, server, backupId);
            completed(sidecar, "downloaded");
            digests.check(backupId, sidecar.digest());
            Compression compression = Compression.ofFileName(sidecar.archive());
            ManifestCopy copy = fetchManifest(transport, sidecar, state.store().spoolDirectory());
            manifest = copy;
            long size = sidecar.backup().size();
            Path spool = state.store().spoolDirectory();
            InputStream content = new VerifyingInput(transport.open(sidecar.archive()),
                    archive -> Verifier.check(archive, copy, size, Cancellation.never(), spool, n -> { })) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        try {
                            Files.deleteIfExists(copy.file());
                        } finally {
                            transport.close();
                        }
                    }
                }
            };
            return new ArchiveDownload(backupId.replaceAll("[^A-Za-z0-9._-]", "_") + compression.suffix(), compression,
                    content);
        } catch (IOException | RuntimeException e) {
            if (manifest != null) {
                try {
                    Files.deleteIfExists(manifest.file());
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            closeQuietly(transport);
            throw Failures.classify(e);
        }
    }

    /**
     * Stores an archive that another engine wrote on a server, verifying it as it streams there (every
     * check of a restore); only a verified archive gets its record, so only a verified archive is listed.
     * A failure to read the archive is the client's ({@code INVALID_INPUT}), to store it the server's.
     */
    public CompletedBackup importBackup(long serverId, InputStream archive) {
        Server server = servers.get(serverId);
        BufferedInputStream in = new BufferedInputStream(
                new Blame(Party.CLIENT, "The upload", "the client").input(archive), 1 << 16);
        try (Transport transport = servers.open(server)) {
            String objectName = "import-" + UUID.randomUUID() + Codecs.detect(in).suffix();
            CompletedBackup imported;
            String digest;
            ManifestRef manifest = null;
            Path manifestFile = Files.createTempFile(state.store().spoolDirectory(), "backupkit-import-", ".json");
            try (ObjectUpload upload = transport.create(objectName, false)) {
                OutputStream target = upload.stream();
                TappedInput tee = new TappedInput(in, target::write); // to the server as it is verified
                try (ArchiveReader reader = new ArchiveReader(tee, ArchiveReader.Limits.DEFAULT, Cancellation.never(),
                        state.store().spoolDirectory(), fetched -> { })) {
                    reader.copyManifestTo(manifestFile);
                    ArchiveHeader header = reader.header();
                    while (reader.nextModule() != null) {
                        // nextModule reads each section through its checks
                    }
                    digest = reader.finish();
                    manifest = new ManifestRef(Sidecar.manifestName(header.backup().id()), Files.size(manifestFile));
                    CompletedBackup recorded = header.backup();
                    imported = new CompletedBackup(recorded.id(), recorded.name(), recorded.desc(), serverId,
                            Status.COMPLETED, recorded.hostname(), recorded.swVersion(), recorded.model(),
                            recorded.serial(), recorded.createdOn(), recorded.contents(), tee.count(), recorded.sid());
                }
                if (exists(transport, Sidecar.name(imported.id()))) {
                    throw new BackupException(ErrorCode.INVALID_INPUT, "Backup '" + imported.id()
                            + "' exists on server '" + server.name() + "' already");
                }
                upload.commit();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(manifestFile);
                throw e;
            }
            try (ObjectUpload upload = transport.create(manifest.object(), true)) {
                Files.copy(manifestFile, upload.stream());
                upload.commit();
            } finally {
                Files.deleteIfExists(manifestFile);
            }
            new Sidecar(imported, objectName, digest, "imported", manifest, List.of()).write(transport, false);
            LOG.info("Imported backup '{}' ({} bytes) to server '{}'", imported.id(), imported.size(), server.name());
            return imported;
        } catch (IOException | RuntimeException e) {
            throw Failures.classify(e);
        }
    }

    private static boolean exists(Transport transport, String name) throws IOException {
        try (InputStream in = transport.open(name)) {
            return true;
        } catch (IOException e) {
            if (Failures.find(e, NoSuchFileException.class) != null) {
                return false;
            }
            throw e;
        }
    }

    private static Sidecar markInterrupted(Transport transport, Sidecar sidecar) throws IOException {
        if (sidecar.backup().status() != Status.STARTED) {
            return sidecar;
        }
        Sidecar failed = sidecar.with(sidecar.backup().withStatus(Status.FAILED, 0));
        failed.write(transport, true);
        return failed;
    }

    static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the transport failed: {}", e.toString());
        }
    }
}
