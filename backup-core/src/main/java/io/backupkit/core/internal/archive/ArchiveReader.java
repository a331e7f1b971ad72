package io.backupkit.core.internal.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.failure.Party;
import io.backupkit.core.internal.failure.PartyFailure;
import io.backupkit.core.internal.json.StrictObject;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.EntrySource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Reads an archive written by {@link ArchiveWriter}, refusing anything unsafe before a module sees it.
 * Every entry passes one set of checks: only regular files and directories; no links, devices,
 * FIFOs or sparse entries; a valid header checksum; an acceptable name inside a module that the
 * header lists; no duplicates; limits on count and size. Modules' sections must each be contiguous.
 * {@link #finish()} then checks every entry against the manifest (name, size, SHA-256) and the whole
 * archive's SHA-256.
 *
 * <p>Longer than the engine's other classes on purpose: every check an entry passes before a module sees
 * it stays in this one place, where a review of what a hostile archive can do starts and ends. The
 * entries read are logged by {@link ReadLog}, the manifest is read by {@link Manifest.Reader}.
 */
public final class ArchiveReader implements AutoCloseable {
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9]+");
    /** The largest header accepted: it holds one record and its content_info. */
    private static final int MAX_HEADER = 1 << 20;

    /** Limits on what one archive may hold. */
    public record Limits(long maxEntries, long maxBytes) {
        public static final Limits DEFAULT = new Limits(10_000_000, Long.MAX_VALUE);
    }

    private final ObjectMapper json = new ObjectMapper();
    /** The raw archive bytes, hashed and counted as they are read, on the read-ahead thread. */
    private final TappedInput raw;
    private final Pipes.AsyncInput ahead;
    private final Tar.Input tar;
    private final InputStream decoded;
    private final Limits limits;
    private final Cancellation cancellation;
    private final Set<String> headerModules = new HashSet<>();
    private final byte[] drainBuffer = new byte[64 * 1024];
    private final Set<String> finishedModules = new HashSet<>();
    private final List<String> moduleOrder = new ArrayList<>();
    private final ReadLog seen;
    /**
     * Entry checksums, computed on a thread of their own from a copy of the bytes (the module reuses its
     * buffer); the thread also records each entry's outcome, in order, for the manifest check.
     */
    private final Pipes.AsyncOutput hashes;
    private Tar.Header pending;
    private String currentModule;
    private Source source;
    private long entryCount;
    private long totalBytes;
    private ArchiveHeader header;
    /** The manifest stored beside the archive, read in step with the entries; null when not given. */
    private Manifest.Reader expected;
    private ManifestCopy expectedCopy;
    /** Where to copy the archive's own manifest as it is verified; null for nowhere. */
    private Path manifestCapture;
    private String manifestSha256;
    /** The content of the current tar entry. */
    private final InputStream content = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return readContent(b, off, len);
        }
    };

    public ArchiveReader(InputStream source, Limits limits, Cancellation cancellation) throws IOException {
        this(source, limits, cancellation, null, fetched -> {
        });
    }

    /**
     * As above, spooling what it read in {@code spoolDirectory} (null: the system's temporary directory)
     * and telling {@code fetched} how many more bytes of the source have been read, on the caller's thread.
     *
     * <p>The source is read ahead on a thread of its own, which also hashes and decompresses it, so that
     * fetching, checking and unpacking overlap: memory stays at a few chunks of 1 MiB.
     */
    public ArchiveReader(InputStream source, Limits limits, Cancellation cancellation, Path spoolDirectory,
            LongConsumer fetched) throws IOException {
        this.seen = new ReadLog(spoolDirectory);
        this.hashes = new Pipes.AsyncOutput(OutputStream.nullOutputStream(), Pipes.CHUNK, 3, "backupkit-entry-digest");
        this.limits = limits;
        this.cancellation = cancellation;
        this.raw = new TappedInput(source, (b, off, len) -> { }); // counted, for the progress and the size
        this.ahead = new Pipes.AsyncInput(() -> Codecs.decompress(raw), raw::drain, Pipes.CHUNK, 4);
        TappedInput raw = this.raw;
        this.decoded = new FilterInputStream(ahead) {
            private long reported;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = in.read(b, off, len);
                } catch (IOException e) {
                    throw damaged(e);
                }
                long count = raw.count();
                if (count != reported) {
                    fetched.accept(count - reported);
                    reported = count;
                }
                return n;
            }
        };
        this.tar = new Tar.Input(decoded);
    }

    /**
     * Checks every entry against {@code copy}, the archive's manifest as stored beside it, before a module
     * sees the entry: an entry that is not listed where it stands, of another type or of another size is
     * refused before its first byte is read; and at {@link #finish()} the archive's own manifest must be
     * these bytes. Call it before {@link #header()}.
     */
    public void expect(ManifestCopy copy) throws IOException {
        expectedCopy = copy;
        expected = new Manifest.Reader(new BufferedInputStream(Files.newInputStream(copy.file()), 1 << 16));
    }

    /** Copies the archive's own manifest to {@code file} as {@link #finish()} verifies it (for an import). */
    public void copyManifestTo(Path file) {
        manifestCapture = file;
    }

    /** The SHA-256 of the archive's own manifest, in hex; after {@link #finish()}. */
    public String manifestSha256() {
        if (manifestSha256 == null) {
            throw new IllegalStateException("archive not finished");
        }
        return manifestSha256;
    }

    /** Reads and returns the header, which must be the first entry. */
    public ArchiveHeader header() throws IOException {
        Tar.Header first = nextTarEntry();
        if (first == null || !first.name().equals(ArchiveWriter.HEADER) || !regular(first)) {
            throw integrity("The archive does not start with '" + ArchiveWriter.HEADER + "'");
        }
        checkHeaderChecksum(first);
        JsonNode json = readJson(first);
        if (json.path("format").asInt() != ArchiveHeader.FORMAT) {
            throw integrity("The archive has format " + json.path("format") + "; this engine reads format "
                    + ArchiveHeader.FORMAT);
        }
        try {
            header = ArchiveHeader.read(json);
        } catch (StrictObject.Mismatch e) {
            throw integrity("The archive's header is not valid: " + e.getMessage());
        }
        for (ArchiveHeader.ModuleVersion module : header.modules()) {
            headerModules.add(module.module());
        }
        return header;
    }

    /**
     * Moves to the next module's section and returns its name, or null when only the manifest is left.
     * Entries of the previous section that were not read are read through (and checked) first.
     */
    public String nextModule() throws IOException {
        if (source != null) {
            while (source.next() != null) {
                // drained: checked and hashed, including the entry the module stopped in
            }
            source = null;
        }
        Tar.Header next = peek();
        if (next == null) {
            throw integrity("The archive ends without its '" + ArchiveWriter.MANIFEST + "'");
        }
        if (next.name().equals(ArchiveWriter.MANIFEST)) {
            currentModule = null;
            return null;
        }
        String module = moduleOf(next);
        if (!finishedModules.add(module)) {
            throw integrity("Module '" + module + "' appears in more than one part of the archive");
        }
        moduleOrder.add(module);
        if (expected != null) {
            String listed = expected.nextModule();
            while (listed != null && !listed.equals(module)) {
                refuseListedEntries(listed, "is in the manifest but not in the archive");
                listed = expected.nextModule();
            }
            if (listed == null) {
                throw integrity("Module '" + module + "' is in the archive but not in the manifest");
            }
        }
        hashes.after(() -> spool(() -> seen.module(module)));
        currentModule = module;
        source = new Source(module);
        return module;
    }

    /** The entries of the current module's section. */
    public EntrySource entries() {
        if (currentModule == null) {
            throw new IllegalStateException("no current module");
        }
        return source;
    }

    /**
     * Reads the manifest, checks every entry against it, checks that nothing but zeros follows it, and
     * returns the backup's digest: the SHA-256 of the manifest's exact bytes (hex).
     */
    public String finish() throws IOException {
        while (currentModule != null || peekIsModule()) {
            nextModule();
        }
        if (expected != null) {
            for (String listed = expected.nextModule(); listed != null; listed = expected.nextModule()) {
                refuseListedEntries(listed, "is in the manifest but not in the archive");
            }
        }
        Tar.Header manifestEntry = next();
        if (manifestEntry == null || !manifestEntry.name().equals(ArchiveWriter.MANIFEST)) {
            throw integrity("The archive ends without its '" + ArchiveWriter.MANIFEST + "'");
        }
        checkHeaderChecksum(manifestEntry);
        MessageDigest manifestDigest = Digests.sha256();
        try (OutputStream capture = manifestCapture == null ? OutputStream.nullOutputStream()
                : new BufferedOutputStream(Files.newOutputStream(manifestCapture), 1 << 16)) {
            TappedInput manifest = new TappedInput(content, (b, off, len) -> {
                manifestDigest.update(b, off, len);
                capture.write(b, off, len);
            });
            verify(manifest);
            manifest.drain();
        }
        manifestSha256 = Digests.hex(manifestDigest);
        if (expectedCopy != null && !manifestSha256.equals(expectedCopy.sha256())) {
            throw integrity("The archive's '" + ArchiveWriter.MANIFEST + "' differs from the copy stored beside it");
        }
        if (nextTarEntry() != null) {
            throw integrity("The archive has entries after its '" + ArchiveWriter.MANIFEST + "'");
        }
        try {
            tar.end(); // only zeros after the end, and nothing after the compressed stream's end
            ahead.drain();
        } catch (IOException e) {
            throw damaged(e);
        }
        return manifestSha256;
    }

    /** The bytes of the archive as stored (compressed) read so far: after {@link #finish()}, its size. */
    public long storedBytes() {
        return raw.count();
    }

    private boolean peekIsModule() throws IOException {
        Tar.Header next = peek();
        return next != null && !next.name().equals(ArchiveWriter.MANIFEST);
    }

    /** Reads the manifest as a stream and checks it against the entries read, in one pass. */
    private void verify(InputStream manifestJson) throws IOException {
        hashes.flush(); // every entry's checksum is recorded
        seen.rewind();
        try (Manifest.Reader manifest = new Manifest.Reader(manifestJson)) {
            for (String module = manifest.nextModule(); module != null; module = manifest.nextModule()) {
                verifyModule(manifest, module);
            }
        }
        String left = seen.nextModule();
        if (left != null) {
            throw integrity("Module '" + left + "' is in the archive but not in the manifest");
        }
        if (seen.nextEntry() != null) {
            throw integrity("The archive's entries do not match its manifest");
        }
    }

    private void verifyModule(Manifest.Reader manifest, String module) throws IOException {
        String next = seen.nextModule();
        boolean present = module.equals(next);
        if (present) {
            seen.takeModule();
        } else if (moduleOrder.contains(module)) {
            throw integrity("Module '" + next + "' is in the archive but not in the manifest");
        }
        for (Manifest.Entry expected = manifest.nextEntry(); expected != null; expected = manifest.nextEntry()) {
            if (!present) {
                throw integrity("Module '" + module + "' is in the manifest but not in the archive");
            }
            Manifest.Entry s = seen.nextEntry();
            if (s == null) {
                throw integrity("Entry '" + expected.name() + "' of module '" + module
                        + "' is in the manifest but missing from the archive");
            }
            String what = "Entry '" + s.name() + "' of module '" + module + "'";
            if (!s.name().equals(expected.name())) {
                throw integrity(what + " is not in the manifest where it stands (the manifest lists '"
                        + expected.name() + "' there)");
            }
            if (expected.directory() != s.directory()) {
                throw integrity(what + " has another type than the manifest says");
            }
            checkAttributes(what, expected, s.mode(), s.modified());
            if (!s.directory()) {
                if (s.size() > expected.size()) {
                    throw integrity(what + " is larger than the manifest says (" + s.size() + " > " + expected.size()
                            + ")");
                }
                if (s.size() != expected.size()) {
                    throw integrity(what + " is smaller than the manifest says (" + s.size() + " < "
                            + expected.size() + ")");
                }
                if (!Objects.equals(expected.sha256(), s.sha256())) {
                    throw integrity(what + " does not match its SHA-256");
                }
            }
        }
        if (present) {
            Manifest.Entry extra = seen.nextEntry();
            if (extra != null) {
                throw integrity("Entry '" + extra.name() + "' of module '" + module + "' is not in the manifest");
            }
        }
    }

    /** Refuses the archive when the manifest lists an entry of {@code module} that the archive lacks. */
    private void refuseListedEntries(String module, String what) throws IOException {
        Manifest.Entry missing = expected.nextEntry();
        if (missing != null) {
            throw integrity("Entry '" + missing.name() + "' of module '" + module + "' is in the manifest but missing"
                    + " from the archive");
        }
    }

    /** Checks an entry against the manifest stored beside the archive, before its first byte is read. */
    private void checkListed(String module, Entry entry, int mode) throws IOException {
        Manifest.Entry listed = expected.nextEntry();
        String what = "Entry '" + entry.name() + "' of module '" + module + "'";
        if (listed == null) {
            throw integrity(what + " is not in the manifest");
        }
        if (!listed.name().equals(entry.name())) {
            throw integrity(what + " is not in the manifest where it stands (the manifest lists '" + listed.name()
                    + "' there)");
        }
        if (listed.directory() != entry.directory()) {
            throw integrity(what + " has another type than the manifest says");
        }
        if (!entry.directory() && listed.size() != entry.size()) {
            throw integrity(what + " is " + (entry.size() > listed.size() ? "larger" : "smaller")
                    + " than the manifest says (" + entry.size() + (entry.size() > listed.size() ? " > " : " < ")
                    + listed.size() + ")");
        }
        checkAttributes(what, listed, mode, entry.modified());
    }

    /** The permission bits and the modification time restore recreates must be the manifest's. */
    private static void checkAttributes(String what, Manifest.Entry listed, int mode, Instant modified) {
        if (listed.mode() != mode) {
            throw integrity(what + " has mode " + Integer.toOctalString(mode) + ", the manifest says "
                    + (listed.mode() < 0 ? "none" : Integer.toOctalString(listed.mode())));
        }
        if (!modified.equals(listed.modified())) {
            throw integrity(what + " has the modification time " + modified + ", the manifest says "
                    + listed.modified());
        }
    }

    private Tar.Header peek() throws IOException {
        if (pending == null) {
            pending = nextTarEntry();
        }
        return pending;
    }

    private Tar.Header nextTarEntry() throws IOException {
        Tar.Header header;
        try {
            header = tar.next();
        } catch (IOException e) {
            throw damaged(e);
        }
        if (header != null) {
            checkHeaderChecksum(header); // before its name decides anything
        }
        return header;
    }

    private int readContent(byte[] b, int off, int len) throws IOException {
        try {
            return tar.read(b, off, len);
        } catch (IOException e) {
            throw damaged(e);
        }
    }

    private static boolean regular(Tar.Header entry) {
        return (entry.type() == Tar.REGULAR || entry.type() == Tar.OLD_REGULAR) && !entry.name().endsWith("/");
    }

    private Tar.Header next() throws IOException {
        Tar.Header entry = peek();
        pending = null;
        return entry;
    }

    private String moduleOf(Tar.Header entry) {
        String name = entry.name();
        if (!name.startsWith(ArchiveWriter.MODULES)) {
            throw integrity("Entry '" + name + "' is outside 'modules/'");
        }
        int slash = name.indexOf('/', ArchiveWriter.MODULES.length());
        String module = slash < 0 ? "" : name.substring(ArchiveWriter.MODULES.length(), slash);
        if (!MODULE.matcher(module).matches() || !headerModules.contains(module)) {
            throw integrity("Entry '" + name + "' belongs to no module of the archive's header");
        }
        return module;
    }

    /** The checks every module entry passes before a module sees it. */
    private Entry check(Tar.Header entry, String module, NameSet names) {
        String full = entry.name();
        String what = "Entry '" + full + "'";
        checkHeaderChecksum(entry);
        byte type = entry.type();
        if (type == Tar.SYMBOLIC_LINK) {
            throw integrity(what + " is a symbolic link");
        }
        if (type == Tar.HARD_LINK) {
            throw integrity(what + " is a hard link");
        }
        if (type == Tar.CHARACTER_DEVICE || type == Tar.BLOCK_DEVICE) {
            throw integrity(what + " is a device node");
        }
        if (type == Tar.FIFO) {
            throw integrity(what + " is a FIFO");
        }
        if (entry.sparse()) {
            throw integrity(what + " is a sparse entry");
        }
        boolean plain = type == Tar.REGULAR || type == Tar.OLD_REGULAR;
        boolean directory = type == Tar.DIRECTORY || plain && full.endsWith("/");
        if (!directory && !plain) {
            throw integrity(what + " has an unsupported type '" + (char) type + "'");
        }
        if (directory && entry.size() != 0) {
            throw integrity(what + " is a directory with size " + entry.size());
        }
        String prefix = ArchiveWriter.MODULES + module + "/";
        String name = full.substring(prefix.length());
        if (directory && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        String problem = EntryNames.problem(name);
        if (problem != null) {
            throw integrity(what + " " + problem);
        }
        if (!names.add(name)) {
            throw integrity(what + " appears twice");
        }
        if (++entryCount > limits.maxEntries()) {
            throw integrity("The archive has more than " + limits.maxEntries() + " entries");
        }
        totalBytes += entry.size();
        if (totalBytes > limits.maxBytes()) {
            throw integrity("The archive holds more than " + limits.maxBytes() + " bytes");
        }
        return new Entry(name, directory, entry.size(), entry.modified(), EntryNames.safeMode(entry.mode()));
    }

    private void checkHeaderChecksum(Tar.Header entry) {
        if (!entry.checksumOk()) {
            throw integrity("Entry '" + entry.name() + "' has a bad header checksum");
        }
    }

    /** Reads a small JSON entry; the buffer grows with what is read, never to what a header declares. */
    private JsonNode readJson(Tar.Header entry) throws IOException {
        if (entry.size() > MAX_HEADER) {
            throw integrity("'" + entry.name() + "' is larger than " + MAX_HEADER + " bytes");
        }
        byte[] bytes = content.readNBytes((int) entry.size());
        if (bytes.length < entry.size()) {
            throw integrity("The archive ends inside '" + entry.name() + "'");
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw integrity("'" + entry.name() + "' is not valid JSON");
        }
    }

    /**
     * Runs a write to the spool of what was read (on the digest thread); a failure there is the engine's
     * (the local disk), not the archive's or the server's, and says so.
     */
    private void spool(Pipes.Action write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new PartyFailure(Party.LOCAL, "Cannot record the archive's entries in the spool directory",
                    seen.where(), e).toBackupException();
        }
    }

    private static BackupException integrity(String message) {
        return new BackupException(ErrorCode.INTEGRITY, message);
    }

    @Override
    public void close() throws IOException {
        try {
            decoded.close();
        } finally {
            try {
                raw.close(); // the source, also when the read-ahead thread never opened it
            } finally {
                try {
                    hashes.abandon();
                } finally {
                    seen.close();
                }
            }
        }
    }

    /** The entries of one module's section; reading past the section's end gives null. */
    private final class Source implements EntrySource {
        private final String module;
        private final NameSet names;
        private final EntryNames.Resolver resolver = new EntryNames.Resolver();
        private Content current;
        private boolean ended;

        Source(String module) {
            this.module = module;
            this.names = new NameSet();
        }

        @Override
        public Entry next() throws IOException {
            cancellation.throwIfCancelled();
            finishCurrent();
            Tar.Header next = peek();
            if (next == null || next.name().equals(ArchiveWriter.MANIFEST)
                    || !next.name().startsWith(ArchiveWriter.MODULES + module + "/")) {
                if (expected != null && !ended) {
                    ended = true;
                    refuseListedEntries(module, "is in the manifest but missing from the archive");
                }
                return null;
            }
            pending = null;
            Entry entry = check(next, module, names);
            int mode = next.mode() & 07777;
            if (expected != null) {
                checkListed(module, entry, mode);
            }
            current = new Content(entry, mode);
            hashes.hashing(entry.directory() ? null : current.digest);
            return entry;
        }

        @Override
        public InputStream content() {
            if (current == null || current.entry.directory()) {
                throw new IllegalStateException("the current entry is not a file");
            }
            return current;
        }

        @Override
        public Path resolve(Path stage, Entry entry) throws IOException {
            return resolver.resolve(stage, module, entry);
        }

        private void finishCurrent() throws IOException {
            if (current != null) {
                current.drain();
                String name = current.entry.name();
                boolean directory = current.entry.directory();
                long read = current.read;
                int mode = current.mode;
                Instant modified = current.entry.modified();
                MessageDigest digest = directory ? null : current.digest;
                current = null;
                hashes.hashing(null);
                hashes.after(() -> spool(() -> seen.entry(new Manifest.Entry(name, directory, read, mode, modified,
                        digest == null ? null : Digests.hex(digest)))));
            }
        }
    }


    /** The content of one entry, hashed as it is read. Closing it does nothing. */
    private final class Content extends InputStream {
        private final Entry entry;
        /** The permission bits as the archive holds them, before the engine masks them for restore. */
        private final int mode;
        private final MessageDigest digest = Digests.sha256();
        private long read;

        Content(Entry entry, int mode) {
            this.entry = entry;
            this.mode = mode;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = readContent(b, off, len);
            if (n > 0) {
                hashes.write(b, off, n); // hashed on the digest thread
                read += n;
            }
            return n;
        }

        void drain() throws IOException {
            while (read(drainBuffer, 0, drainBuffer.length) >= 0) {
                cancellation.throwIfCancelled();
            }
        }

        @Override
        public void close() {
        }
    }

    /**
     * The exception to throw for a failure while decoding: a failure of the stream the archive comes
     * from (tagged with its party by the engine) stays as it is; anything else the decoders say means the
     * archive is damaged.
     */
    private static IOException damaged(IOException e) {
        if (Failures.find(e, PartyFailure.class) != null) {
            return e;
        }
        throw integrity("The archive is damaged: " + e.getMessage());
    }
}
