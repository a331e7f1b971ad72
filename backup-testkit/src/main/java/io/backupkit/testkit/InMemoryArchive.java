package io.backupkit.testkit;

import static java.util.Objects.requireNonNull;

import io.backupkit.spi.Entry;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One module's entries held in memory, for tests: an {@link EntrySink} that records what a module's
 * backup writes, and {@link #source()}, an {@link EntrySource} that replays the recording to its restore.
 *
 * <p>As a sink it is strict, like the engine's archive writer: names must pass
 * {@link EntryNames#problem(String)}, a name may appear once, a file's content must have exactly its
 * declared size (a stream is read to its end to check that it is not longer). Content is kept in memory,
 * so keep test data small.
 *
 * <p>{@link #add(Entry, byte[])} records an entry without checking its name, to build hostile archives;
 * the source does not check names either (the engine does, before a module sees them), so a module test
 * can feed a crafted name straight to {@code prepare}. {@link Source#resolve} delegates to
 * {@link EntryNames#resolve(Path, String, Entry)}, exactly as the engine does. Not thread-safe.
 */
public final class InMemoryArchive implements EntrySink {
    /** One recorded entry: its content is empty for a directory. */
    public record Recorded(Entry entry, byte[] content) {
        public Recorded {
            requireNonNull(entry, "entry is null");
            requireNonNull(content, "content is null");
        }
    }

    private final String module;
    private final List<Recorded> recorded = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** An empty archive of the module {@code module} (its short name, used in messages). */
    public InMemoryArchive(String module) {
        this.module = requireNonNull(module, "module is null");
    }

    /** The module name given at creation. */
    public String module() {
        return module;
    }

    @Override
    public void directory(Entry entry) throws IOException {
        check(entry);
        if (!entry.directory()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module
                    + "' is written as a directory but is a file entry");
        }
        record(entry, new byte[0]);
    }

    @Override
    public void file(Entry entry, InputStream content) throws IOException {
        requireNonNull(content, "content is null");
        check(entry);
        checkFile(entry);
        byte[] bytes = content.readNBytes(Math.toIntExact(entry.size()));
        if (bytes.length != entry.size()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' declares "
                    + entry.size() + " bytes but its content has " + bytes.length);
        }
        if (content.read() != -1) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' declares "
                    + entry.size() + " bytes but its content is longer");
        }
        record(entry, bytes);
    }

    @Override
    public void file(Entry entry, Path source) throws IOException {
        requireNonNull(source, "source is null");
        check(entry);
        checkFile(entry);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' comes from '" + source
                    + "', which is not a regular file");
        }
        byte[] bytes = Files.readAllBytes(source);
        if (bytes.length != entry.size()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' declares "
                    + entry.size() + " bytes but '" + source + "' has " + bytes.length);
        }
        record(entry, bytes);
    }

    /** Records a directory entry (or an empty file) without checking its name; see {@link #add(Entry, byte[])}. */
    public InMemoryArchive add(Entry entry) {
        return add(entry, new byte[0]);
    }

    /**
     * Records an entry without checking its name or whether it repeats, to craft hostile archives. The
     * content must have the entry's size (empty for a directory).
     */
    public InMemoryArchive add(Entry entry, byte[] content) {
        requireNonNull(entry, "entry is null");
        requireNonNull(content, "content is null");
        if (content.length != entry.size()) {
            throw new IllegalArgumentException("Entry '" + entry.name() + "' declares " + entry.size()
                    + " bytes but has " + content.length);
        }
        recorded.add(new Recorded(entry, content.clone()));
        names.add(entry.name());
        return this;
    }

    /** Every recorded entry, in the order written; never null. */
    public List<Recorded> recorded() {
        return Collections.unmodifiableList(recorded);
    }

    /** Every recorded entry without content, in the order written; never null. */
    public List<Entry> entries() {
        return recorded.stream().map(Recorded::entry).toList();
    }

    /** The entry names in the order written; never null. */
    public List<String> names() {
        return recorded.stream().map(r -> r.entry().name()).toList();
    }

    /** How many entries were recorded. */
    public int size() {
        return recorded.size();
    }

    /** The sum of the file entries' sizes. */
    public long totalBytes() {
        return recorded.stream().mapToLong(r -> r.entry().size()).sum();
    }

    /** Each file entry's name mapped to its content, in the order written; never null. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Recorded r : recorded) {
            if (!r.entry().directory()) {
                files.put(r.entry().name(), r.content().clone());
            }
        }
        return files;
    }

    /** The content of the file entry {@code name}. */
    public byte[] content(String name) {
        for (Recorded r : recorded) {
            if (r.entry().name().equals(name) && !r.entry().directory()) {
                return r.content().clone();
            }
        }
        throw new IllegalArgumentException("No file entry '" + name + "' in module '" + module + "'");
    }

    /** A new source that replays the entries from the first. */
    public Source source() {
        return new Source();
    }

    private void check(Entry entry) throws IOException {
        requireNonNull(entry, "entry is null");
        String problem = EntryNames.problem(entry.name());
        if (problem != null) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' " + problem);
        }
        if (names.contains(entry.name())) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' is written twice");
        }
    }

    private void checkFile(Entry entry) throws IOException {
        if (entry.directory()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + module
                    + "' is written as a file but is a directory entry");
        }
    }

    private void record(Entry entry, byte[] content) {
        recorded.add(new Recorded(entry, content));
        names.add(entry.name());
    }

    /** Replays the recorded entries in order. Not thread-safe. */
    public final class Source implements EntrySource {
        private int next;
        private Recorded current;

        private Source() {
        }

        @Override
        public Entry next() {
            if (next >= recorded.size()) {
                current = null;
                return null;
            }
            current = recorded.get(next++);
            return current.entry();
        }

        @Override
        public InputStream content() throws IOException {
            if (current == null || current.entry().directory()) {
                throw new IOException("No file entry of module '" + module + "' is current");
            }
            return new ByteArrayInputStream(current.content());
        }

        @Override
        public Path resolve(Path stage, Entry entry) throws IOException {
            return EntryNames.resolve(stage, module, entry);
        }

        /** How many entries {@link #next()} has returned. */
        public int entriesRead() {
            return next;
        }
    }
}
