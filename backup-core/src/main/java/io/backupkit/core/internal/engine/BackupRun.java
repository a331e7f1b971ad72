package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupSize;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleSize;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.archive.ArchiveHeader;
import io.backupkit.core.internal.archive.ArchiveWriter;
import io.backupkit.core.internal.archive.ManifestCopy;
import io.backupkit.core.internal.engine.Selections.Selected;
import io.backupkit.core.internal.engine.Sidecar.ManifestRef;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup: every selected module streams its entries into one archive on the server, which becomes
 * visible only when complete. Its record ({@code <id>.json}) says {@code started} while it runs and
 * {@code completed}, {@code failed} or {@code aborted} when it ends; a failed or aborted backup leaves
 * no archive.
 */
public final class BackupRun {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    private final ServerRecords servers;
    private final Leftovers leftovers;
    private final DigestRecords digests;
    private final Slot slot;
    private final Plugins plugins;
    private final Selections selections;
    private final EngineState state;
    private final Identity identity;
    private final Compression compression;
    private final Clock clock;

    public BackupRun(ServerRecords servers, Slot slot, Plugins plugins, EngineState state, Identity identity,
            Compression compression, Clock clock) {
        this.leftovers = new Leftovers(state, servers);
        this.digests = new DigestRecords(state);
        this.servers = servers;
        this.slot = slot;
        this.plugins = plugins;
        this.selections = new Selections(plugins);
        this.state = state;
        this.identity = identity;
        this.compression = compression;
        this.clock = clock;
    }

    /**
     * Checks a backup and takes the engine's slot for it.
     *
     * @param sid the schedule it runs for, or null
     * @param properties extra properties of its info (a schedule's catch-up or retry)
     */
    public Prepared<CompletedBackup> prepare(long serverId, String name, String desc, ContentInfo contents, String sid,
            Map<String, Object> properties) {
        Server server = servers.get(serverId);
        List<Selected> selected = selections.forBackup(contents);
        plugins.transportFor(server);
        String id = UUID.randomUUID().toString();
        OperationInfo info = new OperationInfo(clock.instant().getEpochSecond(), Status.STARTED, "Backup started",
                new BackupStatus(name, server.name(), id, sid, properties));
        // the journal names every object the backup writes, so that what a crash leaves can be removed
        RunningOperation operation = slot.begin(new Running(info, serverId, id, List.of(Sidecar.name(id),
                id + compression.suffix(), Sidecar.manifestName(id)), null));
        ContentInfo captured = Selections.captured(contents, selected);
        operation.details(new OperationDetailsBackup(captured, new BackupSize(0, List.of())), null);
        Run run = new Run(operation, server, name, desc, sid, contents.configOnly(), captured, selected);
        return new Prepared<>(operation, run::run, run::cancel);
    }

    /** One backup's run. */
    private final class Run {
        private final RunningOperation operation;
        private final Server server;
        private final String name;
        private final String desc;
        private final String sid;
        private final boolean configOnly;
        private final ContentInfo captured;
        private final List<Selected> selected;
        private final List<Map<String, Object>> results = new ArrayList<>();
        private final BackupWarnings warnings;
        /** The module whose code runs now, for blame; null in the engine's own code. */
        private Selected inModule;
        private String phase;

        Run(RunningOperation operation, Server server, String name, String desc, String sid, boolean configOnly,
                ContentInfo captured, List<Selected> selected) {
            this.operation = operation;
            this.server = server;
            this.name = name;
            this.desc = desc;
            this.sid = sid;
            this.configOnly = configOnly;
            this.captured = captured;
            this.selected = selected;
            this.warnings = new BackupWarnings(operation);
        }

        CompletedBackup run() {
            String id = operation.backupId();
            Sidecar sidecar = null;
            Transport transport = null;
            try {
                transport = servers.open(server);
                operation.closeOnCancel(transport);
                estimate();
                CompletedBackup record = new CompletedBackup(id, name, desc, server.id(), Status.STARTED,
                        identity.hostname(), identity.swVersion(), identity.model(), identity.serial(),
                        operation.info().startTime(), captured, 0, sid);
                sidecar = Sidecar.started(record, id + compression.suffix(), state.systemId());
                sidecar.write(transport, false);
                long size;
                String digest;
                ManifestRef manifest;
                try (ObjectUpload upload = transport.create(sidecar.archive(), false);
                        ArchiveWriter writer = new ArchiveWriter(upload.stream(), compression, operation,
                                (module, entry, bytes) -> operation.advance(module, bytes, 0, module + ": " + entry),
                                state.store().spoolDirectory())) {
                    writer.header(new ArchiveHeader(record, captured, selected.stream()
                            .map(s -> new ArchiveHeader.ModuleVersion(s.name(), s.module().formatVersion())).toList(),
                            compression, state.systemId()));
                    for (Selected s : selected) {
                        operation.message(s.name(), "Backing up module '" + s.name() + "'");
                        ArchiveWriter.ModuleSink sink = writer.module(s.name());
                        enter(s, "back up");
                        s.module().backup(context(s), sink);
                        leave();
                        operation.advance(s.name(), 0, sink.count(), "Module '" + s.name() + "' done");
                        Map<String, Object> r = Selections.result(s.name(), "ok", null);
                        r.put("entries", (long) sink.count());
                        r.put("bytes", sink.bytes());
                        results.add(r);
                    }
                    operation.throwIfCancelled();
                    writer.finish();
                    upload.commit();
                    size = writer.size();
                    digest = writer.digest();
                    manifest = storeManifest(transport, id, writer.manifestCopy());
                }
                CompletedBackup completed = record.withStatus(Status.COMPLETED, size);
                sidecar.completed(completed, digest, manifest, warnings.kept()).write(transport, true);
                digests.record(id, digest);
                slot.end(operation, new Ended.Completed("Backup completed"), properties());
                LOG.info("Backup '{}' ({}) to server '{}' completed: {} bytes", name, id, server.name(), size);
                return Catalogue.onServer(completed, server.id());
            } catch (Throwable e) {
                BackupException failure = operation.isCancelled() ? aborted(e)
                        : Failures.classify(e, inModule == null ? null : inModule.name(), phase);
                Ended ended = Ended.of(failure, "Backup aborted");
                if (sidecar != null) {
                    endOnServer(transport, sidecar, ended, List.of(id + compression.suffix(), Sidecar.manifestName(id)));
                }
                slot.end(operation, ended, properties());
                LOG.warn("Backup '{}' ({}) to server '{}' {}: {}", name, id, server.name(), ended.status().wire(),
                        ended.message());
                throw failure;
            } finally {
                if (transport != null) {
                    Catalogue.closeQuietly(transport);
                }
            }
        }

        /** Asks every module for its size, for the progress and {@code backup_size}. */
        private void estimate() throws IOException {
            List<ModuleSize> sizes = new ArrayList<>();
            long total = 0;
            for (Selected s : selected) {
                enter(s, "estimate");
                long bytes = Math.max(0, s.module().estimate(context(s)));
                leave();
                total += bytes;
                sizes.add(ModuleSize.of(s.name(), kilobytes(bytes)));
            }
            operation.details(new OperationDetailsBackup(captured, new BackupSize(kilobytes(total), sizes)), null);
            operation.total(total);
        }

        private void enter(Selected module, String what) {
            inModule = module;
            phase = what;
        }

        private void leave() {
            inModule = null;
            phase = null;
        }

        private BackupContext context(Selected s) {
            return new BackupContext(configOnly, s.options(), operation, clock, warnings.of(s.name()));
        }

        /** The extra properties of the backup's info: each module's result, and the warnings if any. */
        private Map<String, Object> properties() {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("modules", results);
            warnings.addTo(properties);
            return properties;
        }

        /**
         * Rewrites the record as failed or aborted and removes what the backup uploaded; on a new connection
         * when the old one is what failed; the removal is remembered for later when neither works.
         */
        private void endOnServer(Transport transport, Sidecar sidecar, Ended ended, List<String> uploaded) {
            Sidecar marked = sidecar.with(sidecar.backup().withStatus(ended.status(), 0));
            try {
                marked.write(transport, true);
                Leftovers.remove(transport, uploaded);
                return;
            } catch (IOException | RuntimeException first) {
                LOG.debug("Cannot end backup '{}' on its connection: {}", operation.backupId(), first.toString());
            }
            try (Transport fresh = servers.open(server)) {
                marked.write(fresh, true);
                Leftovers.remove(fresh, uploaded);
            } catch (IOException | RuntimeException second) {
                LOG.warn("Cannot mark backup '{}' {} on server '{}' now ({}); a later listing will mark it failed",
                        sidecar.backup().id(), ended.status().wire(), server.name(), second.getMessage());
                leftovers.remember(server.id(), uploaded);
            }
        }

        /** Ends the backup before it ran. */
        void cancel(BackupException reason) {
            slot.end(operation, Ended.of(reason, "Backup aborted"), Map.of());
        }
    }

    /**
     * Stores the copy of the archive's manifest beside it, so that a restore knows every entry before the
     * entries stream.
     */
    private static ManifestRef storeManifest(Transport transport, String backupId, ManifestCopy copy)
            throws IOException {
        String name = Sidecar.manifestName(backupId);
        try (ObjectUpload upload = transport.create(name, false)) {
            Files.copy(copy.file(), upload.stream());
            upload.commit();
        }
        return new ManifestRef(name, copy.size());
    }

    /**
     * The failure of an aborted operation: an abort, whatever it made fail on its way out (the transport
     * closed under a blocked read, say).
     */
    static BackupException aborted(Throwable e) {
        if (e instanceof BackupException b && b.code() == ErrorCode.ABORTED) {
            return b;
        }
        return new BackupException(ErrorCode.ABORTED, "The operation was aborted", e);
    }

    private static long kilobytes(long bytes) {
        return (bytes + 1023) / 1024;
    }
}
