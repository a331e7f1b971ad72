package io.backupkit.testkit;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a deadline and collects its exit code and output (test helper). */
public final class Commands {
    private Commands() {
    }

    /** What a finished command left behind; the output is decoded as UTF-8. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result {
            command = List.copyOf(command);
            requireNonNull(stdout, "stdout is null");
            requireNonNull(stderr, "stderr is null");
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Returns this result, or fails with the command's output when it exited non-zero. */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return "'" + String.join(" ", command) + "' exited with " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    /**
     * Runs {@code command}, feeding it {@code stdin} (nothing, and a closed stdin, when null). A
     * command still running at the deadline is killed (with its children) and reported as a failure.
     */
    public static Result run(Duration timeout, List<String> command, byte[] stdin) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start '" + String.join(" ", command) + "'", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outPump = pump(process.getInputStream(), out, "stdout");
        Thread errPump = pump(process.getErrorStream(), err, "stderr");
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException e) {
                // the command exited without reading all of its input: its exit code tells
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            outPump.join(5_000);
            errPump.join(5_000);
            String stderr = text(err);
            if (!finished) {
                stderr += "\n[killed after " + timeout + "]";
            }
            return new Result(command, finished ? process.exitValue() : -1, text(out), stderr);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "command-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
