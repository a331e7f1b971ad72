package io.backupkit.transport.sftp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Collects small writes into chunks of a fixed size and passes each chunk on in one write: one SFTP
 * write request per chunk. The target copies what it is given, so one buffer serves.
 */
abstract class Chunking extends OutputStream {
    private final OutputStream target;
    private final byte[] buffer;
    private int count;

    Chunking(OutputStream target, int chunk) {
        this.target = target;
        this.buffer = new byte[chunk];
    }

    /** The exception to throw for a failed write. */
    abstract IOException translate(IOException e);

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == 0 && len >= buffer.length) {
                send(b, off, buffer.length);
                off += buffer.length;
                len -= buffer.length;
                continue;
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
            if (count == buffer.length) {
                drain();
            }
        }
    }

    private void drain() throws IOException {
        send(buffer, 0, count);
        count = 0;
    }

    private void send(byte[] b, int off, int len) throws IOException {
        try {
            target.write(b, off, len);
        } catch (IOException e) {
            throw translate(e);
        } catch (RuntimeException e) {
            // sshj can fail with an unchecked exception when the connection breaks under a write
            throw translate(new IOException(e.toString(), e));
        }
    }

    /** Sends what is buffered; the target confirms it later (see the upload's commit). */
    @Override
    public void flush() throws IOException {
        if (count > 0) {
            drain();
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
