package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** What one benchmark measured: a row per path, each with every run of both sides. */
final class Measurements {
    private Measurements() {
    }

    /**
     * One run of one side.
     *
     * @param seconds wall time of the whole process (ours: JVM start to exit)
     * @param operationSeconds ours: the engine call alone; -1 for theirs
     * @param peakRssKb ours: the JVM's VmHWM; theirs: the largest peak of their processes when measured
     *     (the peers' rows), else -1
     * @param cpuMillis ours: the JVM's CPU time (user + system); theirs: that of the pipeline's processes
     *     (not of an sshd they talk to); -1 when unknown
     * @param gcMillis ours: time in garbage collection; -1 for theirs
     * @param archiveBytes the archive's size, -1 when not applicable
     */
    record Sample(double seconds, double operationSeconds, long peakRssKb, long cpuMillis, long gcMillis,
            long archiveBytes) {
        static Sample theirs(TimedProcess.Result result, long archiveBytes) {
            return new Sample(result.seconds(), -1, result.peakRssKb(), result.cpuMillis(), -1, archiveBytes);
        }
    }

    /**
     * One path: ours against theirs on the same payload.
     *
     * @param key a short stable id ({@code backup-local}, ...)
     * @param path what is measured, for the table
     * @param theirsCommand the standard tool's command line (null: ours alone)
     * @param payload the data set's bytes
     * @param ours every run of ours
     * @param theirs every run of theirs (empty when theirsCommand is null)
     */
    record Row(String key, String path, String theirsCommand, long payload, List<Sample> ours, List<Sample> theirs) {
        Row {
            requireNonNull(key, "key is null");
            requireNonNull(path, "path is null");
            ours = List.copyOf(ours);
            theirs = List.copyOf(theirs);
        }

        double oursMbps() {
            return median(ours, s -> payload / 1e6 / s.seconds());
        }

        double oursOperationMbps() {
            return median(ours, s -> payload / 1e6 / s.operationSeconds());
        }

        /** NaN when there is no "theirs". */
        double theirsMbps() {
            return theirs.isEmpty() ? Double.NaN : median(theirs, s -> payload / 1e6 / s.seconds());
        }

        double ratio() {
            return oursMbps() / theirsMbps();
        }

        /** The highest peak RSS of ours over every run, in KiB. */
        long oursPeakRssKb() {
            return ours.stream().mapToLong(Sample::peakRssKb).max().orElse(-1);
        }

        /** The highest peak RSS of theirs over every run, in KiB; -1 when not measured. */
        long theirsPeakRssKb() {
            return theirs.stream().mapToLong(Sample::peakRssKb).max().orElse(-1);
        }
    }

    static double median(List<Sample> samples, ToDoubleFunction<Sample> value) {
        List<Double> values = new ArrayList<>();
        for (Sample s : samples) {
            values.add(value.applyAsDouble(s));
        }
        values.sort(Double::compare);
        int n = values.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
