package io.backupkit.core.internal.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.core.Compression;
import io.backupkit.core.internal.failure.Blame;
import io.backupkit.core.internal.failure.Party;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntryNames;
import io.backupkit.spi.EntrySink;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * Streams one backup archive: {@code backup.json} (the header) first, then each module's entries
 * under {@code modules/<short_name>/}, then {@code manifest.json} with every entry's size and SHA-256.
 * The checksums come last because they are known only once the data has streamed through: the
 * archive is written in one pass, never spooled.
 *
 * <p>Bytes flow entry -> tar -> buffer -> compression -> count -> target; each entry's SHA-256 is taken
 * on the way (one pass over the data), and the manifest's SHA-256 is the backup's digest. The target
 * stream is not closed.
 */
public final class ArchiveWriter implements AutoCloseable {
    public static final String HEADER = "backup.json";
    public static final String MANIFEST = Manifest.NAME;
    public static final String MODULES = "modules/";
    private static final int BUFFER = 256 * 1024;

    /** Told about every chunk of entry data written. */
    public interface Progress {
        void written(String module, String entry, long bytes);
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Counting counting;
    private final Pipes.AsyncOutput async;
    private final Tar.Output tar;
    private final Cancellation cancellation;
    private final Progress progress;
    private final Path manifestFile;
    private final Manifest.Writer manifest;
    private boolean moduleOpen;
    private final byte[] buffer = new byte[BUFFER];
    private boolean finished;
    private ManifestCopy manifestCopy;

    public ArchiveWriter(OutputStream target, Compression compression, Cancellation cancellation, Progress progress)
            throws IOException {
        this(target, compression, cancellation, progress, null);
    }

    /** As above, spooling the manifest in {@code spoolDirectory} (null: the system's temporary directory). */
    public ArchiveWriter(OutputStream target, Compression compression, Cancellation cancellation, Progress progress,
            Path spoolDirectory) throws IOException {
        this.cancellation = cancellation;
        this.progress = progress;
        // the manifest grows with the entries: it is spooled to a temporary file, not held in memory; a
        // failure there is this host's disk, never the server's
        Blame spool = new Blame(Party.LOCAL, "Cannot write the manifest in the spool directory",
                "'" + (spoolDirectory == null ? System.getProperty("java.io.tmpdir") : spoolDirectory) + "'");
        try {
            manifestFile = spoolDirectory == null ? Files.createTempFile("backupkit-manifest-", ".json")
                    : Files.createTempFile(spoolDirectory, "backupkit-manifest-", ".json");
            manifest = new Manifest.Writer(spool.output(new BufferedOutputStream(Files.newOutputStream(manifestFile),
                    1 << 16)));
        } catch (IOException e) {
            throw spool.tag(e);
        }
        this.counting = new Counting(target);
        // files are read and framed on the caller's thread; the archive compressed and sent on a second;
        // the entries hashed and the manifest written on a third
        this.async = new Pipes.AsyncOutput(Codecs.compress(compression, counting), Pipes.CHUNK, 4,
                "backupkit-archive-writer", true);
        this.tar = new Tar.Output(async); // content is read into the pipe's chunks, not copied there
    }

    /** Writes the header; call it first. */
    public void header(ArchiveHeader header) throws IOException {
        byte[] bytes = json.writeValueAsBytes(header.toJson());
        tar.putEntry(HEADER, Tar.REGULAR, bytes.length, 0644, Instant.EPOCH);
        tar.write(bytes, 0, bytes.length);
        tar.closeEntry();
    }

    private ModuleSink current;

    /** The sink for one module's entries; modules are written one after another. */
    public ModuleSink module(String module) throws IOException {
        endModule();
        async.after(() -> manifest.startModule(module));
        moduleOpen = true;
        current = new ModuleSink(module);
        return current;
    }

    private void endModule() throws IOException {
        if (moduleOpen) {
            int count = current.count();
            long bytes = current.bytes();
            async.after(() -> manifest.endModule(count, bytes));
            moduleOpen = false;
        }
    }

    /** Writes the manifest and ends the archive; the target stays open. */
    public void finish() throws IOException {
        endModule();
        async.flush(); // every entry hashed and in the manifest
        manifest.finish();
        long manifestSize = Files.size(manifestFile);
        MessageDigest manifestDigest = Digests.sha256();
        tar.putEntry(MANIFEST, Tar.REGULAR, manifestSize, 0644, Instant.EPOCH);
        try (InputStream in = Files.newInputStream(manifestFile)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                tar.write(buffer, 0, n);
                manifestDigest.update(buffer, 0, n);
            }
        }
        tar.closeEntry();
        tar.finish();
        async.close();
        manifestCopy = new ManifestCopy(manifestFile, manifestSize, Digests.hex(manifestDigest));
        finished = true;
    }

    /**
     * The archive's manifest as a file, its size and SHA-256, for a copy stored beside the archive; only
     * after {@link #finish()}, until {@link #close()} deletes the file.
     */
    public ManifestCopy manifestCopy() {
        if (manifestCopy == null) {
            throw new IllegalStateException("archive not finished");
        }
        return manifestCopy;
    }

    /** Bytes written to the target so far. */
    public long size() {
        return counting.count;
    }

    /**
     * The backup's digest: the SHA-256 of its manifest's exact bytes, which list every entry's SHA-256
     * and everything a restore recreates from the entry (a Merkle root over the data); in hex, only after
     * {@link #finish()}.
     */
    public String digest() {
        return manifestCopy().sha256();
    }

    @Override
    public void close() throws IOException {
        if (finished) {
            Files.deleteIfExists(manifestFile);
            return;
        }
        finished = true;
        try {
            async.close(); // stops the writer thread, which writes the manifest
        } finally {
            try {
                manifest.close();
            } finally {
                Files.deleteIfExists(manifestFile);
            }
        }
    }

    /** One module's entries; counts and checksums them for the manifest. */
    public final class ModuleSink implements EntrySink {
        private final String module;
        private final NameSet names = new NameSet();
        private int count;
        private long bytes;

        private ModuleSink(String module) {
            this.module = module;
        }

        /** Bytes of file content written for this module. */
        public long bytes() {
            return bytes;
        }

        /** Entries written for this module. */
        public int count() {
            return count;
        }

        @Override
        public void directory(Entry entry) throws IOException {
            start(entry, true);
            tar.closeEntry();
            record(entry, null);
        }

        @Override
        public void file(Entry entry, InputStream content) throws IOException {
            start(entry, false);
            MessageDigest digest = Digests.sha256();
            async.hashing(digest); // the entry's content is hashed on the pipe's hashing thread
            try {
                long remaining = entry.size();
                while (remaining > 0) {
                    cancellation.throwIfCancelled();
                    int n = tar.copyFrom(content, buffer, (int) Math.min(buffer.length, remaining));
                    if (n < 0) {
                        throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' ended "
                                + remaining + " bytes before its declared size " + entry.size());
                    }
                    remaining -= n;
                    bytes += n;
                    progress.written(module, entry.name(), n);
                }
            } finally {
                async.hashing(null);
            }
            if (content.read() >= 0) {
                throw new IOException("Entry '" + entry.name() + "' of module '" + module
                        + "' is longer than its declared size " + entry.size() + " (did it change while read?)");
            }
            tar.closeEntry();
            record(entry, digest);
        }

        @Override
        public void file(Entry entry, Path source) throws IOException {
            try (InputStream in = Files.newInputStream(source)) {
                file(entry, in);
            }
        }

        /** Checks the entry and writes its header. */
        private void start(Entry entry, boolean directory) throws IOException {
            cancellation.throwIfCancelled();
            if (entry.directory() != directory) {
                throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' is "
                        + (entry.directory() ? "a directory written as a file" : "a file written as a directory"));
            }
            String problem = EntryNames.problem(entry.name());
            if (problem != null) {
                throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' " + problem);
            }
            if (!names.add(entry.name())) {
                throw new IOException("Entry '" + entry.name() + "' of module '" + module + "' is written twice");
            }
            String name = MODULES + module + "/" + entry.name() + (directory ? "/" : "");
            tar.putEntry(name, directory ? Tar.DIRECTORY : Tar.REGULAR, directory ? 0 : entry.size(),
                    entry.mode() & 07777, entry.modified());
        }

        /** Adds the entry to the manifest on the writer thread, once its content is hashed. */
        private void record(Entry entry, MessageDigest digest) throws IOException {
            async.after(() -> manifest.entry(new Manifest.Entry(entry.name(), entry.directory(), entry.size(),
                    entry.mode() & 07777, entry.modified(), digest == null ? null : Digests.hex(digest))));
            count++;
        }
    }

    /** Counts what reaches the target; never closes it. */
    private static final class Counting extends FilterOutputStream {
        private long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
