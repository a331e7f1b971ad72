package io.backupkit.core.internal.archive;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A zstd stream (level 3, one worker per core, 2 MiB jobs) whose native context is kept for the next
 * archive instead of freed.
 *
 * <p>Why: zstd's workers are threads of the native library, created anew with each context, and glibc
 * gives each new thread's allocations an arena of their own that it never gives back. With a new
 * context per backup, a long-running host grew by 20-30 MiB per zstd backup (measured: 180 MiB to
 * 300 MiB over eight backups); with a kept context it stays flat. 2 MiB jobs instead of zstd's 8 MiB
 * halve the context's buffers (about 45 MiB less), for the same speed and a 0.1% larger archive on
 * the benchmark's data. At most {@value #KEPT} contexts are kept; the bytes are compressed straight
 * from and into Java arrays, without copies.
 *
 * <p>zstd-jni frees a context only on {@code close()}: a stream must be closed, also after a failure
 * (its writer closes it once its thread has ended). The kept context lives as long as the process.
 */
final class ZstdOutput extends OutputStream {
    static final int LEVEL = 3;
    static final int JOB_SIZE = 2 << 20;
    private static final int KEPT = 1; // the engine runs one operation at a time
    private static final ConcurrentLinkedQueue<ZstdCompressCtx> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final OutputStream out;
    private final byte[] buffer = new byte[256 * 1024];
    private final ByteBuffer dst = ByteBuffer.wrap(buffer);
    private ZstdCompressCtx context;

    ZstdOutput(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
        ZstdCompressCtx kept = IDLE.poll();
        if (kept != null) {
            IDLE_COUNT.decrementAndGet();
        }
        this.context = kept != null ? kept : configure(new ZstdCompressCtx());
    }

    private static ZstdCompressCtx configure(ZstdCompressCtx context) {
        context.setLevel(LEVEL);
        context.setChecksum(true); // each frame carries zstd's content checksum: corruption of the compressed bytes is caught
        context.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        context.setJobSize(JOB_SIZE);
        return context;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
            open().compressByteBufferStream(dst, src, EndDirective.CONTINUE);
            drain();
        }
    }

    /** Ends the current zstd block, so that everything written so far can be decompressed. */
    @Override
    public void flush() throws IOException {
        finish(EndDirective.FLUSH);
        out.flush();
    }

    private void finish(EndDirective directive) throws IOException {
        boolean done;
        do {
            done = open().compressByteBufferStream(dst, EMPTY, directive);
            drain();
        } while (!done);
    }

    private ZstdCompressCtx open() throws IOException {
        if (context == null) {
            throw new IOException("The zstd stream is closed");
        }
        return context;
    }

    private void drain() throws IOException {
        if (dst.position() > 0) {
            out.write(buffer, 0, dst.position());
            dst.clear();
        }
    }

    /** Ends the zstd frame, closes the stream underneath, and keeps the context for the next stream. */
    @Override
    public void close() throws IOException {
        if (context == null) {
            return;
        }
        IOException failure = null;
        try {
            finish(EndDirective.END);
        } catch (IOException e) {
            failure = e;
        } finally {
            release();
        }
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void release() {
        ZstdCompressCtx done = context;
        context = null;
        try {
            // after a failure the workers may still be compressing: end the frame into the void first,
            // as resetting or freeing a context under running jobs crashes the JVM
            dst.clear();
            while (!done.compressByteBufferStream(dst, EMPTY, EndDirective.END)) {
                dst.clear();
            }
            done.reset(); // the reset also clears the parameters
            configure(done);
        } catch (RuntimeException e) {
            // zstd failed to end the frame: its workers may still hold the context, and freeing it under
            // them could crash the JVM. It is given up (zstd-jni frees contexts only on close), which costs
            // native memory once, after an error zstd itself reported.
            return;
        }
        if (IDLE_COUNT.incrementAndGet() <= KEPT) {
            IDLE.add(done);
        } else {
            IDLE_COUNT.decrementAndGet();
            done.close();
        }
    }
}
