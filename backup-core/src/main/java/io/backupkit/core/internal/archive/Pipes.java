package io.backupkit.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Streams whose other end runs on a thread of its own, through a bounded queue of large chunks: so
 * that reading files overlaps with compressing and sending them (backup), and fetching the archive
 * overlaps with unpacking it (restore). Memory stays at {@code depth + 2} chunks.
 */
final class Pipes {
    /**
     * The size of the pipes' chunks: 1 MiB less the 16 bytes of a byte array's header (64-bit JVM with
     * compressed class pointers), so that a chunk fills one G1 heap region of the smallest size (1 MiB, the
     * size G1 picks for heaps under 4 GiB) exactly. A chunk of a whole MiB spills its header into a second region
     * and counts as two: with a 128 MiB heap, a local backup and restore and two SFTP backups and restores
     * took 246 young collections and 17 marking cycles with whole MiB chunks, 109 and 3 with these.
     */
    static final int CHUNK = (1 << 20) - 16;
    private static final byte[] END = new byte[0];

    private Pipes() {
    }

    /** A chunk and how much of it is used. */
    private record Chunk(byte[] bytes, int length) {
    }

    /** Work for a pipe's thread: after the bytes written before it (output), or after the end (input). */
    interface Action {
        void run() throws IOException;
    }

    /** A chunk of output, and what to do with it after it is written: hash parts of it, run actions. */
    private record OutChunk(byte[] bytes, int length, List<Work> work) {
    }

    /** What the writer thread does with a chunk once it is written. */
    private interface Work {
        void apply(byte[] chunk) throws IOException;
    }

    /** Bytes of a chunk that go into a digest. */
    private record Hashed(int start, int length, MessageDigest digest) implements Work {
        @Override
        public void apply(byte[] chunk) {
            digest.update(chunk, start, length);
        }
    }

    /** An action to run after the bytes before it. */
    private record Run(Action action) implements Work {
        @Override
        public void apply(byte[] chunk) throws IOException {
            action.run();
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Throws the failure of a pipe's thread on the caller's, as it is; nothing when there is none. */
    private static void rethrow(Throwable e) throws IOException {
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error error) {
            throw error;
        }
        if (e != null) {
            throw new IOException(e);
        }
    }

    private static IOException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("interrupted while waiting for the pipe");
    }

    /**
     * Writes go into chunks that a second thread writes to {@code target}. A failure of the target is
     * thrown by the next write, flush or close. Closing closes the target.
     *
     * <p>The work that comes with a chunk (hashing parts of it, actions) runs after the chunk is written,
     * on the writer thread, or, when asked, on a third thread: then writing (compressing, sending) and
     * hashing, the two heavy stages of a backup, run on two cores, and the thread that reads the files
     * does neither.
     */
    static final class AsyncOutput extends OutputStream {
        private static final int MAX_ACTIONS = 1024;
        private final OutputStream target;
        private final BlockingQueue<OutChunk> full;
        private final BlockingQueue<byte[]> free;
        private final Thread worker;
        /** The chunks written, for the hashing thread; null when the writer hashes. */
        private final BlockingQueue<OutChunk> written;
        private final Thread hasher;
        private volatile Throwable failure;
        private byte[] current;
        private int count;
        private List<Work> work = new ArrayList<>();
        private MessageDigest hashing;
        /** The last {@link Hashed} of the current chunk, which the next bytes of the same digest extend. */
        private Hashed lastHashed;
        private boolean closed;
        /** The failure has reached the caller: close does not throw it again (see {@link #close}). */
        private boolean reported;
        private int inFlight;
        private final Object drained = new Object();

        AsyncOutput(OutputStream target, int chunkSize, int depth) {
            this(target, chunkSize, depth, "backupkit-archive-writer");
        }

        AsyncOutput(OutputStream target, int chunkSize, int depth, String threadName) {
            this(target, chunkSize, depth, threadName, false);
        }

        /** @param hashApart run each chunk's work (hashing, actions) on a thread of its own, after the write */
        AsyncOutput(OutputStream target, int chunkSize, int depth, String threadName, boolean hashApart) {
            this.target = target;
            this.full = new ArrayBlockingQueue<>(depth);
            this.free = new ArrayBlockingQueue<>(depth + 2);
            for (int i = 0; i < depth + 1; i++) {
                free.add(new byte[chunkSize]);
            }
            this.current = new byte[chunkSize];
            this.written = hashApart ? new ArrayBlockingQueue<>(depth + 1) : null;
            this.worker = start(threadName, this::drain);
            this.hasher = hashApart ? start("backupkit-hash", this::hash) : null;
        }

        private void drain() {
            try {
                while (true) {
                    OutChunk chunk = full.take();
                    if (chunk.bytes() == END) {
                        if (written != null) {
                            written.put(chunk);
                        }
                        return;
                    }
                    if (failure == null && chunk.length() > 0) {
                        try {
                            target.write(chunk.bytes(), 0, chunk.length());
                        } catch (Throwable e) {
                            failure = e;
                        }
                    }
                    if (written != null && !chunk.work().isEmpty()) {
                        written.put(chunk);
                    } else {
                        work(chunk);
                    }
                }
            } catch (InterruptedException e) {
                failure = failure != null ? failure : e;
            }
        }

        private void hash() {
            try {
                while (true) {
                    OutChunk chunk = written.take();
                    if (chunk.bytes() == END) {
                        return;
                    }
                    work(chunk);
                }
            } catch (InterruptedException e) {
                failure = failure != null ? failure : e;
            }
        }

        /** Runs a written chunk's work and gives the chunk back. */
        private void work(OutChunk chunk) {
            if (failure == null) {
                try {
                    for (Work w : chunk.work()) {
                        w.apply(chunk.bytes());
                    }
                } catch (Throwable e) {
                    failure = e;
                }
            }
            free.offer(chunk.bytes());
            synchronized (drained) {
                inFlight--;
                drained.notifyAll();
            }
        }

        private void check() throws IOException {
            Throwable e = failure;
            reported |= e != null;
            rethrow(e);
        }

        /**
         * From now on, the bytes written also go into {@code digest} (null: none), on the writer thread; the
         * digest is complete for an {@link #after} action queued once its bytes are written.
         */
        void hashing(MessageDigest digest) throws IOException {
            check();
            this.hashing = digest;
        }

        /**
         * Runs {@code action} on the writer thread once everything written so far has been written. Actions
         * go out with the next chunk, or in a chunk of their own every {@value #MAX_ACTIONS}: entries without
         * bytes (directories, empty files) must not pile up in memory.
         */
        void after(Action action) throws IOException {
            check();
            work.add(new Run(action));
            lastHashed = null;
            if (work.size() >= MAX_ACTIONS) {
                send();
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (count == current.length) {
                    send();
                }
                int n = Math.min(len, current.length - count);
                System.arraycopy(b, off, current, count, n);
                hashed(n);
                count += n;
                off += n;
                len -= n;
            }
        }

        /** The {@code n} bytes at {@code count} of the current chunk go into the digest being fed, if any. */
        private void hashed(int n) {
            if (hashing == null) {
                return;
            }
            Hashed last = lastHashed;
            if (last != null && last.digest() == hashing && last.start() + last.length() == count) {
                lastHashed = new Hashed(last.start(), last.length() + n, hashing);
                work.set(work.size() - 1, lastHashed);
            } else {
                lastHashed = new Hashed(count, n, hashing);
                work.add(lastHashed);
            }
        }

        /**
         * Reads at most {@code max} bytes from {@code in} straight into the current chunk (the bytes a
         * write would have copied there), hashing them as a write would; returns how many, or -1 at the end
         * of {@code in}.
         */
        int readFrom(InputStream in, int max) throws IOException {
            if (count == current.length) {
                send();
            }
            int n = in.read(current, count, Math.min(max, current.length - count));
            if (n > 0) {
                hashed(n);
                count += n;
            }
            return n;
        }

        private void send() throws IOException {
            check();
            if (count == 0 && work.isEmpty()) {
                return;
            }
            try {
                synchronized (drained) {
                    inFlight++;
                }
                full.put(new OutChunk(current, count, work));
                current = free.take();
            } catch (InterruptedException e) {
                throw interrupted();
            }
            count = 0;
            work = new ArrayList<>();
            lastHashed = null;
        }

        /** Sends what is buffered and waits until the target has it all, then flushes the target. */
        @Override
        public void flush() throws IOException {
            send();
            synchronized (drained) {
                while (inFlight > 0 && failure == null) {
                    try {
                        drained.wait(100);
                    } catch (InterruptedException e) {
                        throw interrupted();
                    }
                }
            }
            check();
            target.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (failure == null) {
                    flush();
                }
            } finally {
                try {
                    stop();
                } finally {
                    target.close(); // the thread has ended: nothing else uses the target now
                }
            }
            // a failure already thrown by a write or flush is not thrown again: in a try-with-resources the
            // same exception from close would be added to itself as suppressed, which throws
            // IllegalArgumentException("Self-suppression not permitted") in place of the failure
            if (!reported) {
                check();
            }
        }

        /**
         * Stops the thread, dropping what is queued and not yet written, hashed or run, and closes the
         * target once the thread has ended.
         */
        void abandon() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (failure == null) {
                failure = new IOException("the pipe was abandoned"); // the thread skips what is left
            }
            try {
                stop();
            } finally {
                target.close();
            }
        }

        /**
         * Ends the thread and waits for it, also when this thread is interrupted: the caller closes what the
         * thread uses (the target, a spool) right after, and must not do so under its feet. An interrupt
         * makes the thread skip what is still queued and is passed on.
         */
        private void stop() throws IOException {
            boolean interrupted = false;
            while (true) {
                try {
                    full.put(new OutChunk(END, 0, List.of()));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    skipTheRest();
                }
            }
            for (Thread thread : hasher == null ? List.of(worker) : List.of(worker, hasher)) {
                while (true) {
                    try {
                        thread.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        skipTheRest();
                    }
                }
            }
            if (interrupted) {
                throw interrupted();
            }
        }

        private void skipTheRest() {
            if (failure == null) {
                failure = new InterruptedIOException("interrupted while waiting for the pipe");
            }
        }
    }

    /** Opens a stream; called on the thread that reads it. */
    interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * Reads a stream ahead on a second thread, in chunks. The stream is opened on that thread (so that,
     * for example, decompression runs there too), and {@code tail} runs there once it has ended. A failure
     * is thrown where the reader reaches it. Closing stops the reader and closes the stream.
     */
    static final class AsyncInput extends InputStream {
        private final Opener opener;
        private final Action tail;
        private final BlockingQueue<Chunk> full;
        private final BlockingQueue<byte[]> free;
        private final Thread worker;
        private volatile boolean closed;
        private volatile Throwable failure;
        private volatile InputStream source;
        private Chunk current;
        private int position;
        private boolean ended;

        AsyncInput(Opener opener, Action tail, int chunkSize, int depth) {
            this.opener = opener;
            this.tail = tail;
            this.full = new ArrayBlockingQueue<>(depth + 1);
            this.free = new ArrayBlockingQueue<>(depth + 2);
            for (int i = 0; i < depth + 1; i++) {
                free.add(new byte[chunkSize]);
            }
            this.worker = start("backupkit-archive-reader", this::fill);
        }

        private void fill() {
            try {
                InputStream in = opener.open();
                source = in;
                while (!closed) {
                    byte[] buffer = free.take();
                    int n = in.readNBytes(buffer, 0, buffer.length);
                    if (n == 0) {
                        tail.run();
                        full.put(new Chunk(END, 0));
                        return;
                    }
                    full.put(new Chunk(buffer, n));
                }
            } catch (InterruptedException e) {
                // closed
            } catch (Throwable e) {
                failure = e;
                full.offer(new Chunk(END, -1));
            }
        }

        /** Reads to the end, discarding what is left. */
        void drain() throws IOException {
            while (next()) {
                position = current.length();
            }
        }

        private boolean next() throws IOException {
            if (ended) {
                return false;
            }
            if (current != null && current.bytes() != END) {
                free.offer(current.bytes());
            }
            try {
                current = full.take();
            } catch (InterruptedException e) {
                throw interrupted();
            }
            position = 0;
            if (current.bytes() == END) {
                ended = true;
                rethrow(failure);
                return false;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || current.bytes() == END || position == current.length()) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, current.length() - position);
            System.arraycopy(current.bytes(), position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            InputStream in = source;
            if (in != null) {
                in.close();
            }
        }
    }
}
