package io.backupkit.testkit;

import io.backupkit.api.ModuleInfo;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A hand-written module for engine tests: its live data is the flat files of one directory; names
 * starting with {@code config} are configuration. It can fail on purpose at each phase and run a hook
 * after each entry it writes, and at each step of a restore; a crash at any of those steps is recovered
 * by {@link #recover}.
 */
public final class FakeModule implements BackupModule {
    private final String name;
    private final Path live;
    private int formatVersion = 1;
    private boolean failPrepare;
    private boolean failCommit;
    private int failBackups;
    private Consumer<String> afterEntry = entry -> { };
    private Consumer<String> step = name -> { };

    public FakeModule(String name, Path live) {
        this.name = name;
        this.live = live;
        try {
            Files.createDirectories(live);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeModule formatVersion(int version) {
        formatVersion = version;
        return this;
    }

    public FakeModule failPrepare() {
        failPrepare = true;
        return this;
    }

    /** Fails the next {@code count} backups. */
    public FakeModule failBackups(int count) {
        failBackups = count;
        return this;
    }

    public FakeModule failCommit() {
        failCommit = true;
        return this;
    }

    /** Runs after each entry is written during a backup. */
    public FakeModule afterEntry(Consumer<String> hook) {
        afterEntry = hook;
        return this;
    }

    public Path live() {
        return live;
    }

    /** The live data: file name to content. */
    public TreeMap<String, String> snapshot() throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(live)) {
            for (Path p : paths.toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    public void write(String file, String content) throws IOException {
        Files.writeString(live.resolve(file), content);
    }

    @Override
    public ModuleInfo info() {
        return new ModuleInfo(name, "test", "A fake module", "aggregate", List.of("only"));
    }

    @Override
    public int formatVersion() {
        return formatVersion;
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        long total = 0;
        for (Path p : files(context.configOnly(), context.values("only"))) {
            total += Files.size(p);
        }
        return total;
    }

    private List<Path> files(boolean configOnly, List<String> only) throws IOException {
        try (Stream<Path> paths = Files.list(live)) {
            return paths.filter(p -> !configOnly || p.getFileName().toString().startsWith("config"))
                    .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString()))
                    .sorted().toList();
        }
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        if (failBackups > 0) {
            failBackups--;
            throw new IOException("backup failed on purpose");
        }
        for (Path p : files(context.configOnly(), context.values("only"))) {
            context.cancellation().throwIfCancelled();
            String file = p.getFileName().toString();
            sink.file(Entry.file(file, Files.size(p), Instant.ofEpochSecond(1_700_000_000), 0644), p);
            afterEntry.accept(file);
        }
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        if (failPrepare) {
            throw new IOException("prepare failed on purpose");
        }
        String id = context.restoreId();
        Path stage = stage(id);
        try {
            stage(context, entries, stage);
        } catch (IOException | RuntimeException e) {
            delete(stage); // an aborted or failed prepare leaves nothing behind
            throw e;
        }
        step.accept("prepared");
        Map<String, String> journal = Map.of("had_live", String.valueOf(Files.exists(live)));
        return new RestoreStage() {
            @Override
            public void commit() throws IOException {
                if (failCommit) {
                    throw new IOException("commit failed on purpose");
                }
                if (Files.exists(stage)) {
                    if (Files.exists(live)) {
                        Files.move(live, previous(id));
                        step.accept("moved-live");
                    }
                    Files.move(stage, live);
                }
                step.accept("committed");
            }

            @Override
            public void rollback() throws IOException {
                recover(id, journal, false);
            }

            @Override
            public void finish() throws IOException {
                delete(previous(id));
                step.accept("finished");
            }

            @Override
            public Map<String, String> journal() {
                return journal;
            }
        };
    }

    private Path stage(String restoreId) {
        return live.resolveSibling(live.getFileName() + ".stage-" + restoreId);
    }

    private Path previous(String restoreId) {
        return live.resolveSibling(live.getFileName() + ".previous-" + restoreId);
    }

    /**
     * Brings the live directory to one side from wherever a crash stopped prepare, commit, rollback or
     * finish: commit moves the live directory to {@code .previous-<id>} and the stage
     * ({@code .stage-<id>}) in its place.
     */
    @Override
    public void recover(String restoreId, Map<String, String> journal, boolean forward) throws IOException {
        Path stage = stage(restoreId);
        Path previous = previous(restoreId);
        if (forward) {
            if (Files.exists(stage)) {
                if (Files.exists(live)) {
                    if (Files.exists(previous)) {
                        delete(live); // what a rollback had half deleted: the previous data is kept
                    } else {
                        Files.move(live, previous);
                    }
                }
                Files.move(stage, live);
            }
            delete(previous);
            return;
        }
        if (Files.exists(previous)) {
            delete(live); // the new data, or what is left of it
            step.accept("rolled-back-live");
            Files.move(previous, live);
        } else if (!Files.exists(stage) && "false".equals(journal.get("had_live"))) {
            delete(live); // committed over nothing: there was no live data before
        }
        delete(stage);
    }

    /** Runs at each step of a restore: prepared, moved-live, committed, rolled-back-live, finished. */
    public FakeModule onStep(Consumer<String> hook) {
        step = hook;
        return this;
    }

    private void stage(RestoreContext context, EntrySource entries, Path stage) throws IOException {
        Files.createDirectories(stage);
        if (context.configOnly()) {
            // keep the live data files: only configuration is replaced
            for (Path p : files(false, List.of())) {
                if (!p.getFileName().toString().startsWith("config")) {
                    Files.copy(p, stage.resolve(p.getFileName()));
                }
            }
        }
        Entry entry;
        while ((entry = entries.next()) != null) {
            context.cancellation().throwIfCancelled();
            if (context.configOnly() && !entry.name().startsWith("config")) {
                continue;
            }
            Path target = entries.resolve(stage, entry);
            try (InputStream in = entries.content()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        for (Path p : files(false, List.of())) {
            Files.delete(p);
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        Collections.reverse(paths);
        for (Path p : paths) {
            Files.delete(p);
        }
    }
}
