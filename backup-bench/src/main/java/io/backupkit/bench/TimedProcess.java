package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one measured command: wall time from just before the fork to the observed exit, its output,
 * and, when asked, its peak RSS (see {@link Rss}).
 */
final class TimedProcess {
    private static final int MAX_OUTPUT = 1 << 20;
    private static final long POLL_MILLIS = 10;
    private static final Path GNU_TIME = Path.of("/usr/bin/time");

    /** How a command's peak RSS is measured. */
    enum Rss {
        /** Not measured: -1. */
        NONE,
        /**
         * {@code VmHWM} of {@code /proc/<pid>/status}, polled every 10 ms until the process exits (VmHWM
         * only grows, so the last reading before the exit is the peak up to then): the process itself,
         * not what it forks.
         */
        POLL,
        /**
         * The children's {@code ru_maxrss} as GNU time reports it ({@code /usr/bin/time -f %M}): the
         * largest peak of the command and every process it waited for, however short-lived, so right for
         * a tool that forks (not their sum). {@link #POLL} when /usr/bin/time is not installed.
         */
        CHILDREN;

        /** What this measures on this machine, for the report. */
        String describe() {
            return switch (this == CHILDREN && !childrenAvailable() ? POLL : this) {
                case NONE -> "not measured";
                case POLL -> "VmHWM of the process, polled every 10 ms";
                case CHILDREN -> "the largest ru_maxrss of the process and every process it waited for (GNU time's %M)";
            };
        }

        static boolean childrenAvailable() {
            return Files.isExecutable(GNU_TIME);
        }
    }

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

    static Result run(List<String> command, Path directory, boolean pollRss, Duration timeout, Set<ProcessHandle> live)
            throws IOException {
        return run(command, directory, Map.of(), pollRss ? Rss.POLL : Rss.NONE, timeout, live);
    }

    /**
     * Runs {@code command} in {@code directory} with {@code environment} added to this JVM's (less every
     * {@code RESTIC_*} and {@code BORG_*} variable of this JVM's own, so that a user's settings do not
     * change a measurement), standard input from /dev/null; fails with its output when it exits non-zero
     * or is still running after {@code timeout} (then it is killed with its children). {@code live} holds
     * the process while it runs, for the benchmark's shutdown hook.
     */
    static Result run(List<String> command, Path directory, Map<String, String> environment, Rss rss, Duration timeout,
            Set<ProcessHandle> live) throws IOException {
        if (rss == Rss.CHILDREN && Rss.childrenAvailable()) {
            Path report = Files.createTempFile("backupkit-bench-rss-", ".txt");
            try {
                List<String> timed = new ArrayList<>(List.of(GNU_TIME.toString(), "-f", "%M", "-o", report.toString()));
                timed.addAll(command);
                Result r = start(command, timed, directory, environment, false, timeout, live);
                return new Result(command, r.nanos(), maxRssKb(Files.readString(report)), r.cpuMillis(), r.stdout(),
                        r.stderr());
            } finally {
                Files.deleteIfExists(report);
            }
        }
        return start(command, command, directory, environment, rss != Rss.NONE, timeout, live);
    }

    /** The last line of GNU time's {@code -o} file with {@code -f %M} (after "Command exited ..." if any); -1 if none. */
    static long maxRssKb(String report) {
        List<String> lines = report.strip().lines().toList();
        try {
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(lines.size() - 1).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Result start(List<String> command, List<String> actual, Path directory,
            Map<String, String> environment, boolean pollRss, Duration timeout, Set<ProcessHandle> live)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(actual).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (!environment.isEmpty()) {
            builder.environment().keySet().removeIf(name -> name.startsWith("RESTIC_") || name.startsWith("BORG_"));
            builder.environment().putAll(environment);
        }
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
