package io.backupkit.core.internal.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stream that hands every byte read to a {@link Tap} (a digest, a copy to another stream) and counts
 * them; skipping reads through, so that nothing passes untapped. The count may be read from another
 * thread.
 */
public final class TappedInput extends FilterInputStream {
    /** Sees the bytes read, in order. */
    public interface Tap {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    private final Tap tap;
    private volatile long count;

    public TappedInput(InputStream in, Tap tap) {
        super(in);
        this.tap = tap;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            tap.accept(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
        return Math.max(read(buffer, 0, buffer.length), 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Copies at most {@code max} bytes to {@code out}; returns how many it copied. */
    public long copyTo(OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        int n;
        while (copied < max && (n = read(buffer, 0, (int) Math.min(buffer.length, max - copied))) >= 0) {
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    /** Reads to the end: what follows (a compressed stream's tail) is tapped too. */
    public void drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (read(buffer, 0, buffer.length) >= 0) {
            // tapped
        }
    }
}
