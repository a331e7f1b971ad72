package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one measured command: wall time from just before the fork to the observed exit, its output,
 * and, when asked, its peak RSS, polling {@code VmHWM} of {@code /proc/<pid>/status} every 10 ms
 * until it exits (VmHWM only grows, so the last reading before the exit is the peak up to then).
 */
final class TimedProcess {
    private static final int MAX_OUTPUT = 1 << 20;
    private static final long POLL_MILLIS = 10;

    private TimedProcess() {
    }

    /**
     * A finished command; {@code peakRssKb} is -1 when it was not polled. {@code cpuMillis}: the user +
     * system time of the command and every process it waited for (a pipeline's stages), -1 when
     * unknown; a process that another one reaps (an sshd's sessions) is not in it.
     */
    record Result(List<String> command, long nanos, long peakRssKb, long cpuMillis, String stdout, String stderr) {
        Result {
            command = List.copyOf(command);
            requireNonNull(stdout, "stdout is null");
            requireNonNull(stderr, "stderr is null");
        }

        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * Runs {@code command} in {@code directory}; fails with its output when it exits non-zero or is
     * still running after {@code timeout} (then it is killed with its children). {@code live} holds
     * the process while it runs, for the benchmark's shutdown hook.
     */
    static Result run(List<String> command, Path directory, boolean pollRss, Duration timeout, Set<ProcessHandle> live)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long cpuBefore = childrenCpuMillis();
        long started = System.nanoTime();
        Process process = builder.start();
        live.add(process.toHandle());
        try {
            Thread outPump = pump(process.getInputStream(), out, "stdout");
            Thread errPump = pump(process.getErrorStream(), err, "stderr");
            AtomicLong peak = new AtomicLong(-1);
            Thread poller = null;
            if (pollRss) {
                Path status = Path.of("/proc", Long.toString(process.pid()), "status");
                poller = new Thread(() -> {
                    while (process.isAlive()) {
                        long kb = Runner.vmHwmKb(status);
                        peak.accumulateAndGet(kb, Math::max);
                        try {
                            Thread.sleep(POLL_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "rss-poller");
                poller.setDaemon(true);
                poller.start();
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long nanos = System.nanoTime() - started;
            if (!finished) {
                kill(process);
            }
            if (poller != null) {
                poller.join(1_000);
            }
            outPump.join(5_000);
            errPump.join(5_000);
            long cpuAfter = childrenCpuMillis();
            long cpu = finished && cpuBefore >= 0 && cpuAfter >= 0 ? cpuAfter - cpuBefore : -1;
            Result result = new Result(command, nanos, peak.get(), cpu, text(out), text(err));
            if (!finished) {
                throw new IOException("'" + String.join(" ", command) + "' did not finish within " + timeout
                        + " and was killed\n" + tail(result.stderr()));
            }
            if (process.exitValue() != 0) {
                throw new IOException("'" + String.join(" ", command) + "' exited with " + process.exitValue() + "\n"
                        + tail(result.stderr()) + tail(result.stdout()));
            }
            return result;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running '" + String.join(" ", command) + "'", e);
        } finally {
            if (process.isAlive()) {
                kill(process);
            }
            live.remove(process.toHandle());
        }
    }

    /**
     * The CPU time (user + system) of this JVM's children that have been waited for, with their own
     * waited-for children: fields 16 and 17 of {@code /proc/self/stat}, in clock ticks of 10 ms. -1 when
     * unreadable. Other children reaped meanwhile would count too: the benchmark runs one command at a time.
     */
    static long childrenCpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10; // cutime, cstime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Kills {@code process} and its descendants and waits briefly for them. */
    static void kill(Process process) {
        kill(process.toHandle());
    }

    static void kill(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        try {
            handle.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // gone or stuck in the kernel; nothing more to do
        }
    }

    private static String tail(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return "";
        }
        return (t.length() > 4000 ? "..." + t.substring(t.length() - 4000) : t) + "\n";
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
                        if (to.size() < MAX_OUTPUT) {
                            to.write(buffer, 0, Math.min(n, MAX_OUTPUT - to.size()));
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "process-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
