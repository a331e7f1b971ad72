package io.backupkit.core.internal.archive;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The entries read, in order, spooled to a temporary file: the manifest comes last and is checked
 * against them in one pass, without holding every entry of a large archive in memory.
 */
final class ReadLog implements AutoCloseable {
    private final Path directory;
    private Path file;
    private DataOutputStream out;
    private DataInputStream in;
    private int pendingType = -2; // -2: nothing peeked
    private String pendingName;

    ReadLog(Path directory) {
        this.directory = directory;
    }

    /** The directory, for messages. */
    String where() {
        return "'" + (directory == null ? System.getProperty("java.io.tmpdir") : directory) + "'";
    }

    private DataOutputStream out() throws IOException {
        if (out == null) {
            file = directory == null ? Files.createTempFile("backupkit-seen-", ".bin")
                    : Files.createTempFile(directory, "backupkit-seen-", ".bin");
            out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(file), 1 << 16));
        }
        return out;
    }

    void module(String name) throws IOException {
        out().writeByte('M');
        out.writeUTF(name);
    }

    void entry(Manifest.Entry s) throws IOException {
        out().writeByte('E');
        out.writeUTF(s.name());
        out.writeBoolean(s.directory());
        out.writeLong(s.size());
        out.writeInt(s.mode());
        out.writeLong(s.modified().getEpochSecond());
        out.writeInt(s.modified().getNano());
        out.writeUTF(s.sha256() == null ? "" : s.sha256());
    }

    /** Switches from writing to reading. */
    void rewind() throws IOException {
        out();
        out.close();
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file),
                1 << 16));
    }

    private void peek() throws IOException {
        if (pendingType == -2) {
            pendingType = in.read();
            if (pendingType == 'M') {
                pendingName = in.readUTF();
            }
        }
    }

    /** The module whose entries come next, or null when an entry or the end comes next. */
    String nextModule() throws IOException {
        peek();
        return pendingType == 'M' ? pendingName : null;
    }

    void takeModule() {
        pendingType = -2;
    }

    /** The next entry of the current module, or null when a module or the end comes next. */
    Manifest.Entry nextEntry() throws IOException {
        peek();
        if (pendingType != 'E') {
            return null;
        }
        pendingType = -2;
        String name = in.readUTF();
        boolean directory = in.readBoolean();
        long size = in.readLong();
        int mode = in.readInt();
        Instant modified = Instant.ofEpochSecond(in.readLong(), in.readInt());
        String sha = in.readUTF();
        return new Manifest.Entry(name, directory, size, mode, modified, sha.isEmpty() ? null : sha);
    }

    @Override
    public void close() throws IOException {
        try {
            if (in != null) {
                in.close();
            } else if (out != null) {
                out.close();
            }
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
