package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.DigestCheck;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.internal.archive.ArchiveHeader;
import io.backupkit.core.internal.archive.ArchiveReader;
import io.backupkit.core.internal.archive.ManifestCopy;
import io.backupkit.core.internal.engine.Selections.Selected;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.ModuleJournal;
import io.backupkit.core.internal.state.State.Phase;
import io.backupkit.core.internal.state.State.RestoreJournal;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore, all or nothing: every chosen module stages its data from the archive without touching live
 * data, the whole archive is verified, and only then does every module commit; a failure anywhere rolls
 * every module back, committed ones included. It uses one connection, from the check of the backup's
 * record to the end of the archive.
 */
public final class RestoreRun {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);

    private record Staged(String name, RestoreStage stage) {
    }

    private final ServerRecords servers;
    private final DigestRecords digests;
    private final Slot slot;
    private final Selections selections;
    private final EngineState state;
    private final Clock clock;

    public RestoreRun(ServerRecords servers, Slot slot, Plugins plugins, EngineState state, Clock clock) {
        this.digests = new DigestRecords(state);
        this.servers = servers;
        this.slot = slot;
        this.selections = new Selections(plugins);
        this.state = state;
        this.clock = clock;
    }

    /**
     * Checks a restore (the backup exists and is completed, the modules and options are valid) and takes
     * the engine's slot for it, keeping the connection for the run.
     */
    public Prepared<OperationInfo> prepare(long serverId, String backupId, ContentInfo request) {
        Server server = servers.get(serverId);
        Transport transport = servers.open(server);
        try {
            Sidecar sidecar = Catalogue.sidecar(transport, server, backupId);
            CompletedBackup backup = Catalogue.completed(sidecar, "restored");
            DigestCheck check = digests.check(backupId, sidecar.digest()); // a swapped archive of ours is refused
            List<Selected> selected = selections.forRestore(backup, request);
            OperationInfo info = new OperationInfo(clock.instant().getEpochSecond(), Status.STARTED,
                    "Restore started", new RestoreStatus(server.name(), backupId, Map.of()));
            // the journal names the restore's id before any module stages: what a crash leaves can be found
            RestoreJournal journal = new RestoreJournal(UUID.randomUUID().toString(), Phase.PREPARING,
                    selected.stream().map(s -> new ModuleJournal(s.name(), Map.of())).toList());
            RunningOperation operation = slot.begin(new Running(info, serverId, null, List.of(), journal));
            operation.details(null, new OperationDetailsRestore(backup.size()));
            boolean configOnly = backup.contents().configOnly() || request != null && request.configOnly();
            Run run = new Run(operation, server, transport, sidecar, selected, configOnly, check);
            return new Prepared<>(operation, run::run, run::cancel);
        } catch (IOException | RuntimeException e) {
            Catalogue.closeQuietly(transport);
            throw Failures.classify(e);
        }
    }

    /** One restore's run. */
    private final class Run {
        private final RunningOperation operation;
        private final Server server;
        private final Transport transport;
        private final Sidecar sidecar;
        private final List<Selected> selected;
        private final boolean configOnly;
        private final DigestCheck check;
        private final List<Staged> stages = new ArrayList<>();
        private final List<Map<String, Object>> results = new ArrayList<>();
        private String inModule;
        private String phase;

        Run(RunningOperation operation, Server server, Transport transport, Sidecar sidecar, List<Selected> selected,
                boolean configOnly, DigestCheck check) {
            this.check = check;
            this.operation = operation;
            this.server = server;
            this.transport = transport;
            this.sidecar = sidecar;
            this.selected = selected;
            this.configOnly = configOnly;
        }

        private String backupId() {
            return sidecar.backup().id();
        }

        OperationInfo run() {
            try (transport) {
                operation.closeOnCancel(transport);
                operation.total(sidecar.backup().size());
                ManifestCopy manifest = Catalogue.fetchManifest(transport, sidecar, state.store().spoolDirectory());
                try {
                    stageAndVerify(manifest);
                } finally {
                    Files.deleteIfExists(manifest.file());
                }
                operation.throwIfCancelled();
                journal(Phase.COMMITTING); // from here on a crash is finished forward at the next start
                for (Staged staged : stages) {
                    operation.message(staged.name(), "Committing module '" + staged.name() + "'");
                    enter(staged.name(), "commit");
                    staged.stage().commit();
                    leave();
                }
                journal(Phase.FINISHING);
                for (Staged staged : stages) {
                    results.add(Selections.result(staged.name(), "ok", null));
                    try {
                        staged.stage().finish();
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Module '{}' could not clean up after the restore: {}", staged.name(),
                                Failures.describe(e));
                    }
                }
                slot.end(operation, new Ended.Completed("Restore completed"), Map.of("modules", results,
                        "digest", sidecar.digest(), "digest_check", check.wire()));
                LOG.info("Restore of backup '{}' from server '{}' completed", backupId(), server.name());
                return operation.info();
            } catch (Throwable e) {
                BackupException failure = operation.isCancelled() ? BackupRun.aborted(e)
                        : Failures.classify(e, inModule, phase);
                try {
                    journal(Phase.ROLLING_BACK);
                } catch (RuntimeException journalFailed) {
                    failure.addSuppressed(journalFailed);
                }
                rollback();
                Ended ended = Ended.of(failure, "Restore aborted");
                slot.end(operation, ended, Map.of("modules", results));
                LOG.warn("Restore of backup '{}' from server '{}' {}: {}", backupId(), server.name(),
                        ended.status().wire(), ended.message());
                throw failure;
            }
        }

        /** Writes where the restore stands, with every prepared stage's journal, before it goes on. */
        private void journal(Phase next) {
            RestoreJournal journal = slot.journal().restore();
            List<ModuleJournal> modules = stages.isEmpty() ? journal.modules()
                    : stages.stream().map(s -> new ModuleJournal(s.name(), s.stage().journal())).toList();
            slot.journal(operation, slot.journal().with(journal.with(next, modules)));
        }

        private String restoreId() {
            return slot.journal().restore().restoreId();
        }

        /** Every selected module stages its entries; then the whole archive is checked. */
        private void stageAndVerify(ManifestCopy manifest) throws IOException {
            Map<String, Selected> byName = new LinkedHashMap<>();
            selected.forEach(s -> byName.put(s.name(), s));
            Map<String, Long> bytes = manifest.bytesPerModule();
            try (ArchiveReader reader = new ArchiveReader(transport.open(sidecar.archive()),
                    ArchiveReader.Limits.DEFAULT, operation, state.store().spoolDirectory(),
                    fetched -> operation.advance(null, fetched, 0, "Reading the archive"))) {
                reader.expect(manifest);
                ArchiveHeader header = reader.header();
                if (!backupId().equals(header.backup().id())) {
                    throw new BackupException(ErrorCode.INTEGRITY, "The archive of backup '" + backupId()
                            + "' holds backup '" + header.backup().id() + "'");
                }
                Map<String, Integer> versions = new LinkedHashMap<>();
                for (Selected s : selected) {
                    int version = header.formatVersion(s.name()).orElseThrow(() -> new BackupException(
                            ErrorCode.INTEGRITY, "The archive of backup '" + backupId() + "' lacks module '" + s.name()
                            + "' that its record lists"));
                    if (!s.module().canRead(version)) {
                        throw new BackupException(ErrorCode.NOT_SUPPORTED, "Module '" + s.name()
                                + "' cannot read format version " + version + " of backup '" + backupId()
                                + "' (it writes version " + s.module().formatVersion() + ")");
                    }
                    versions.put(s.name(), version);
                }
                for (String module = reader.nextModule(); module != null; module = reader.nextModule()) {
                    Selected s = byName.remove(module);
                    if (s != null) {
                        prepare(s, versions.get(module), bytes.getOrDefault(module, 0L), reader.entries());
                    }
                }
                for (Selected s : byName.values()) {
                    prepare(s, versions.get(s.name()), 0, empty(s.name()));
                }
                operation.message(null, "Verifying the archive");
                reader.finish(); // the archive's own manifest is the copy, whose digest was checked
                if (reader.storedBytes() != sidecar.backup().size()) {
                    throw new BackupException(ErrorCode.INTEGRITY, "The archive of backup '" + backupId() + "' is "
                            + reader.storedBytes() + " bytes, its record says " + sidecar.backup().size()
                            + ": it was changed or damaged on the server");
                }
            }
        }

        private void prepare(Selected s, int version, long bytes, EntrySource entries) throws IOException {
            operation.message(s.name(), "Preparing module '" + s.name() + "'");
            enter(s.name(), "prepare");
            RestoreStage stage = s.module().prepare(new RestoreContext(configOnly, s.options(), version, operation,
                    clock, restoreId(), bytes), entries);
            if (stage == null) {
                throw new IllegalStateException("prepare returned no stage");
            }
            leave();
            stages.add(new Staged(s.name(), stage));
        }

        private void enter(String module, String what) {
            inModule = module;
            phase = what;
        }

        private void leave() {
            inModule = null;
            phase = null;
        }

        private void rollback() {
            for (int i = stages.size() - 1; i >= 0; i--) {
                Staged staged = stages.get(i);
                try {
                    staged.stage().rollback();
                } catch (IOException | RuntimeException e) {
                    LOG.error("Module '{}' could not roll back: {}", staged.name(), Failures.describe(e));
                }
            }
        }

        /** Ends the restore before it ran (nothing was staged). */
        void cancel(BackupException reason) {
            Catalogue.closeQuietly(transport);
            slot.end(operation, Ended.of(reason, "Restore aborted"), Map.of());
        }
    }

    private static EntrySource empty(String module) {
        return new EntrySource() {
            @Override
            public Entry next() {
                return null;
            }

            @Override
            public InputStream content() {
                throw new IllegalStateException("no current entry");
            }

            @Override
            public Path resolve(Path stage, Entry entry) throws IOException {
                return EntryNames.resolve(stage, module, entry);
            }
        };
    }
}
