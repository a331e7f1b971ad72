package io.backupkit.examples;

import io.backupkit.api.ModuleInfo;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A custom module, written the way a host would write one: the host's settings store, two
 * {@code Map<String, String>}s persisted as properties files in one directory. {@code settings} is
 * configuration (kept by a {@code config_only} backup), {@code values} is data.
 *
 * <p>Configuration: {@code dir}, the store's absolute directory; without it the module is not available.
 * Listed in {@code META-INF/services/io.backupkit.spi.BackupModule}, so the engine finds it.
 */
public final class CustomModule implements BackupModule {
    /** The configuration part, relative to the store's directory. */
    public static final String SETTINGS = "config/settings.properties";
    /** The data part, relative to the store's directory. */
    public static final String VALUES = "data/values.properties";

    private Path dir;

    /** For {@link java.util.ServiceLoader}: configured by the engine with the key {@code dir}. */
    public CustomModule() {
    }

    /** A module already configured with the store's directory (for tests). */
    public CustomModule(Path dir) {
        this.dir = dir;
    }

    @Override
    public void configure(ModuleConfig config) {
        dir = config.get("dir").map(Path::of).orElse(null);
    }

    @Override
    public boolean canBackup() {
        return dir != null;
    }

    @Override
    public boolean canRestore() {
        return dir != null;
    }

    // [module]
    @Override
    public ModuleInfo info() {
        return new ModuleInfo("custom", "settings", "The application's settings store", "aggregate", List.of());
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        long total = 0;
        for (String part : parts(context.configOnly())) {
            Path file = dir.resolve(part);
            total += Files.exists(file) ? Files.size(file) : 0;
        }
        return total;
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        for (String part : parts(context.configOnly())) {
            context.cancellation().throwIfCancelled();
            Path file = dir.resolve(part);
            if (Files.exists(file)) {
                sink.file(Entry.file(part, Files.size(file), Files.getLastModifiedTime(file).toInstant(), 0644), file);
            }
        }
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        Path stage = dir.resolveSibling("." + dir.getFileName() + ".restore-" + UUID.randomUUID());
        try {
            for (Entry entry; (entry = entries.next()) != null; ) {
                context.cancellation().throwIfCancelled();
                if (!parts(context.configOnly()).contains(entry.name())) {
                    continue; // a config_only restore keeps the live data part
                }
                Path staged = entries.resolve(stage.resolve("new"), entry); // never trust a name: resolve it
                Files.createDirectories(staged.getParent());
                try (InputStream in = entries.content()) {
                    Files.copy(in, staged);
                }
            }
        } catch (IOException | RuntimeException e) {
            delete(stage); // live data was never touched
            throw e;
        }
        return new Swap(dir, stage);
    }
    // [/module]

    /** The files of a backup: the settings, plus the values unless only configuration is asked for. */
    private static List<String> parts(boolean configOnly) {
        return configOnly ? List.of(SETTINGS) : List.of(SETTINGS, VALUES);
    }

    /** Commit moves each live part aside and the staged one in; rollback reverses it; finish forgets. */
    private static final class Swap implements RestoreStage {
        private final Path dir;
        private final Path stage;
        private final List<String> committed = new ArrayList<>();

        Swap(Path dir, Path stage) {
            this.dir = dir;
            this.stage = stage;
        }

        @Override
        public void commit() throws IOException {
            for (String part : List.of(SETTINGS, VALUES)) {
                Path staged = stage.resolve("new").resolve(part);
                if (!Files.exists(staged)) {
                    continue;
                }
                Path live = dir.resolve(part);
                Path previous = stage.resolve("previous").resolve(part);
                Files.createDirectories(previous.getParent());
                Files.createDirectories(live.getParent());
                committed.add(part);
                if (Files.exists(live)) {
                    Files.move(live, previous, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
            }
        }

        @Override
        public void rollback() throws IOException {
            for (int i = committed.size() - 1; i >= 0; i--) {
                String part = committed.get(i);
                Path previous = stage.resolve("previous").resolve(part);
                if (!Files.exists(stage.resolve("new").resolve(part))) {
                    Files.deleteIfExists(dir.resolve(part));
                }
                if (Files.exists(previous)) {
                    Files.move(previous, dir.resolve(part), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            committed.clear();
            delete(stage);
        }

        @Override
        public void finish() throws IOException {
            delete(stage);
        }
    }

    /** Writes a map as a properties file, sorted and without a date comment, so equal maps give equal files. */
    public static void save(Path file, Map<String, String> values) throws IOException {
        Properties properties = new Properties();
        properties.putAll(values);
        StringWriter out = new StringWriter();
        properties.store(out, null);
        List<String> lines = new ArrayList<>(out.toString().lines().filter(l -> !l.startsWith("#")).toList());
        Collections.sort(lines);
        Files.createDirectories(file.getParent());
        Files.writeString(file, lines.stream().map(l -> l + "\n").reduce("", String::concat));
    }

    /** Reads a properties file written by {@link #save}; empty when there is none. */
    public static Map<String, String> load(Path file) throws IOException {
        Map<String, String> values = new TreeMap<>();
        if (Files.exists(file)) {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file)));
            properties.forEach((k, v) -> values.put((String) k, (String) v));
        }
        return values;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
