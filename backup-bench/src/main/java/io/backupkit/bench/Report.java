package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import io.backupkit.bench.Measurements.Row;
import io.backupkit.bench.Measurements.Sample;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's result: its rows and their Markdown report.
 *
 * @param rows every measured path, in the order of the report
 * @param markdown the report
 */
record Report(List<Row> rows, String markdown) {
    Report {
        rows = List.copyOf(rows);
        requireNonNull(markdown, "markdown is null");
    }

    /** The row with {@code key} ({@code backup-local}, {@code restore-sftp}, ...). */
    Optional<Row> row(String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /**
     * How the benchmark ran, beside the options.
     *
     * @param fileSystem the work directory's file system type
     * @param work the work directory
     * @param sshTemplate the ssh command of theirs with COMMAND for the remote one, or null without SFTP
     * @param coldJvm the fresh-JVM rows' command line ({@link ColdJvm#display})
     * @param skipped a note per tool whose rows did not run
     */
    record Setup(String fileSystem, Path work, String sshTemplate, String coldJvm, List<String> skipped) {
        Setup {
            requireNonNull(fileSystem, "fileSystem is null");
            requireNonNull(work, "work is null");
            requireNonNull(coldJvm, "coldJvm is null");
            skipped = List.copyOf(skipped);
        }
    }

    static Report create(Options options, Map<String, String> machine, DataSet data, Setup setup, List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("# backupkit benchmark\n\n");
        String args = arguments(options);
        md.append("Measured ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" by `io.backupkit.bench.Benchmark` (`")
                .append(args).append("`); reproduce with `mvn -B -q install -DskipTests -DskipITs && mvn -B -q -pl backup-bench exec:exec@bench")
                .append(args.equals(arguments(Options.defaults())) ? "" : " -Dbench.args=\"" + args + "\"").append("`.\n\n");

        md.append("## Machine\n\n| | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        md.append("| work directory | `").append(setup.work()).append("` (").append(setup.fileSystem())
                .append("): data sets, archives, restores and the sshd's directory |\n");
        md.append("| data set | ").append(data.describe()).append(" |\n");
        md.append("| engine JVM | `java -Xmx").append(options.heap())
                .append("`: one long-running host JVM (`io.backupkit.bench.Runner serve`) for the pairs; a fresh JVM per "
                        + "run for the rows that say so: `").append(setup.coldJvm())
                .append("`; sshj with the JDK's crypto |\n\n");

        String cpu = machine.getOrDefault("CPU", "unknown CPU");
        List<Row> standard = rows.stream().filter(r -> !PeerRows.KEYS.contains(r.key())).toList();
        List<Row> peers = rows.stream().filter(r -> PeerRows.KEYS.contains(r.key())).toList();
        md.append("## Results\n\n");
        md.append(String.format(Locale.ROOT, "MB/s = 10^6 payload bytes (the data set's %,d bytes) per second of wall "
                + "time. Theirs: the whole shell pipeline. Ours: the engine call (`engine.backup` or `engine.restore`, "
                + "from the request to the completed record: reading, checksums, the archive, the sidecar, the "
                + "connection) in a long-running JVM, as an application embeds the engine, after two unmeasured "
                + "warm-up operations of the same kind; the rows that say \"a fresh JVM\" time the whole process "
                + "instead (JVM start, engine build, compiling the hot code, the operation, exit), the case of a "
                + "command-line tool. Median of %d run%s, ours and theirs alternating which goes first; warm page "
                + "cache; archives deleted between runs and restores into a fresh directory, outside the timing. SSH "
                + "runs go to an OpenSSH sshd on 127.0.0.1 that shares the cores with the client. Peak RSS: VmHWM of "
                + "the engine's JVM; for the long-running host it is the peak of everything it ran up to that row.%n%n",
                data.bytes(), options.runs(), options.runs() == 1 ? "" : "s"));
        md.append("CPU: ").append(cell(cpu)).append(".\n\n");
        md.append("| path | ours MB/s | theirs MB/s | ratio (ours / theirs) | our peak RSS |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (Row row : standard) {
            md.append("| ").append(row.path());
            if (row.theirsCommand() != null) {
                md.append(" vs `").append(row.theirsCommand().replace("|", "\\|")).append('`');
            }
            md.append(" | ").append(mbps(row.oursMbps()));
            md.append(" | ").append(row.theirs().isEmpty() ? "-" : mbps(row.theirsMbps()));
            md.append(" | ").append(ratio(row));
            md.append(" | ").append(mib(row.oursPeakRssKb())).append(" |\n");
        }
        md.append('\n');
        Optional<Row> base = rows.stream().filter(r -> r.key().equals("backup-local-cold")).findFirst();
        Optional<Row> large = rows.stream().filter(r -> r.key().equals("backup-local-rss")).findFirst();
        if (base.isPresent() && large.isPresent()) {
            md.append(String.format(Locale.ROOT, "Peak RSS of a fresh engine JVM for an uncompressed local backup: %s for "
                    + "%s, %s for %s (x%.2f for x%.1f the data).%n%n",
                    mib(base.get().oursPeakRssKb()), Options.human(base.get().payload()), mib(large.get().oursPeakRssKb()),
                    Options.human(large.get().payload()),
                    large.get().oursPeakRssKb() / (double) base.get().oursPeakRssKb(),
                    large.get().payload() / (double) base.get().payload()));
        }
        rows.stream().filter(r -> r.key().equals("backup-local-zstd")).findFirst().ifPresent(r -> md.append(String.format(
                Locale.ROOT, "zstd compression ratio: ours %.2f, theirs %.2f.%n%n",
                r.payload() / median(r.ours(), Sample::archiveBytes), r.payload() / median(r.theirs(), Sample::archiveBytes))));

        if (rows.stream().anyMatch(r -> r.key().endsWith("-sums"))) {
            md.append("The rows \"for reference\" compare the same operations of ours with the standard tools doing "
                    + "the integrity work ours does: every file's SHA-256 made on backup (ours lists them in the "
                    + "archive's manifest, whose own SHA-256 is the backup's digest) and checked on restore before the "
                    + "data counts as restored; neither side hashes the whole archive. They use OpenSSL's SHA-256, the "
                    + "fastest one on the machine (coreutils' `sha256sum` is several times slower). `tar` alone does no "
                    + "checksums.\n\n");
        }
        if (base.isPresent()) {
            md.append(ColdJvm.EFFECT).append("\n\n");
        }
        if (!peers.isEmpty() || !setup.skipped().isEmpty()) {
            peers(md, peers, setup.skipped(), cpu, base);
        }
        md.append("## Where our time goes\n\n");
        md.append("Medians per path. \"Engine call\" is `engine.backup`/`engine.restore` alone; for a fresh JVM the "
                + "rest of the whole-process time is JVM start, engine build (state, module and transport discovery) "
                + "and exit. CPU is the JVM's user + system time during the engine call and its build (for a fresh "
                + "JVM it includes compiling the hot code): above the wall time means more than one core busy. "
                + "Their CPU is that of the pipeline's processes (tar, zstd, ssh, restic, borg); neither side counts "
                + "the sshd's. Archive bytes: ours; a peer's repository is in the peers' table.\n\n");
        md.append("| path | whole process s | engine call s | engine call MB/s | rest s | CPU s | their CPU s | GC ms "
                + "| archive bytes |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            double whole = median(row.ours(), Sample::seconds);
            double call = median(row.ours(), Sample::operationSeconds);
            double archive = median(row.ours(), Sample::archiveBytes);
            double theirCpu = row.theirs().isEmpty() ? -1 : median(row.theirs(), Sample::cpuMillis);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %.2f | %.1f | %s | %.0f | %s |%n", row.path(),
                    whole, call, mbps(row.oursOperationMbps()), whole - call, median(row.ours(), Sample::cpuMillis) / 1e3,
                    theirCpu < 0 ? "-" : String.format(Locale.ROOT, "%.1f", theirCpu / 1e3),
                    median(row.ours(), Sample::gcMillis), bytes(archive)));
        }
        md.append('\n');

        md.append("## Every run\n\n| path | run | ours s | ours peak RSS | theirs s | theirs peak RSS |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            for (int i = 0; i < row.ours().size(); i++) {
                Sample o = row.ours().get(i);
                Sample t = i < row.theirs().size() ? row.theirs().get(i) : null;
                md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %s | %s | %s |%n", row.path(), i + 1, o.seconds(),
                        mib(o.peakRssKb()), t == null ? "-" : String.format(Locale.ROOT, "%.2f", t.seconds()),
                        t == null ? "-" : mib(t.peakRssKb())));
            }
        }
        md.append('\n');

        md.append("## Their commands\n\nRun in the data set's directory (`DIR` = `data`; `OUT` a fresh directory); "
                + "the pipelines through `bash -c` with `set -o pipefail`, each failing if a checksum differs.\n\n");
        rows.stream().filter(r -> r.theirsCommand() != null)
                .forEach(r -> md.append("- ").append(r.path()).append(": `").append(r.theirsCommand()).append("`\n"));
        if (!peers.isEmpty()) {
            md.append("\nBefore each backup of a peer, outside the timing, a fresh repository `REPO` in the run directory: `")
                    .append(Peers.RESTIC_INIT).append("`, `").append(Peers.BORG_INIT).append("`. Every restic and borg "
                    + "command runs with its caches and configuration in the run directory, standard input from "
                    + "/dev/null, restic's password in `RESTIC_PASSWORD`, and `BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK"
                    + "=yes`, `BORG_RELOCATED_REPO_ACCESS_IS_OK=yes`.\n");
        }
        if (setup.sshTemplate() != null) {
            md.append("\n`ssh ... HOST` in full (a client key of its own, the sshd's host key alone in its known_hosts):\n\n");
            md.append("```\n").append(setup.sshTemplate()).append("\n```\n");
        }
        return new Report(rows, md.toString());
    }

    /** The section of the peers' rows, with what sets the tools apart beside their numbers and the tools skipped. */
    private static void peers(StringBuilder md, List<Row> peers, List<String> skipped, String cpu, Optional<Row> cold) {
        md.append("## Peers: restic and borg\n\n");
        md.append("The tools a user would pick instead, on the same data set and the same local disk, each backup into a "
                + "fresh repository. They are not like for like: both deduplicate (content-defined chunks, each named by "
                + "its hash) and restic always encrypts (AES-256 and Poly1305 for every chunk), while borg runs here "
                + "without encryption (`-e none`); ours writes one tar archive with every file's SHA-256. The ratios "
                + "show what a user would see after swapping tools. Restic compresses with zstd (`--compression auto`, "
                + "its default in a format 2 repository); borg with none or `zstd,3`. Their peak RSS: "
                + TimedProcess.Rss.CHILDREN.describe() + "; ours, as in the other rows, the long-running host's peak "
                + "over everything it ran so far" + cold.map(r -> " (a fresh engine JVM's for one whole backup: "
                        + mib(r.oursPeakRssKb()) + ", in the fresh-JVM row)").orElse("") + ". CPU: " + cell(cpu)
                + ".\n\n");
        if (!peers.isEmpty()) {
            md.append("| path | ours MB/s | theirs MB/s | ratio (ours / theirs) | our peak RSS (host, so far) "
                    + "| their peak RSS | ours archive bytes | their repository bytes |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row row : peers) {
                md.append("| ").append(row.path()).append(" vs `").append(row.theirsCommand()).append("` | ")
                        .append(mbps(row.oursMbps())).append(" | ").append(mbps(row.theirsMbps())).append(" | ")
                        .append(ratio(row)).append(" | ").append(mib(row.oursPeakRssKb())).append(" | ")
                        .append(mib(row.theirsPeakRssKb())).append(" | ")
                        .append(bytes(median(row.ours(), Sample::archiveBytes))).append(" | ")
                        .append(bytes(median(row.theirs(), Sample::archiveBytes))).append(" |\n");
            }
            md.append('\n');
        }
        for (String note : skipped) {
            md.append("- Skipped: ").append(note).append(".\n");
        }
        if (!skipped.isEmpty()) {
            md.append('\n');
        }
    }

    /** The options that reproduce this run, the defaults left out except the four that every report names. */
    private static String arguments(Options options) {
        Options defaults = Options.defaults();
        StringBuilder args = new StringBuilder(String.format(Locale.ROOT, "--size %s --runs %d --rss-check %s --heap %s",
                compact(options.size()), options.runs(), options.rssCheck() == 0 ? "off" : compact(options.rssCheck()),
                options.heap()));
        if (!options.only().isEmpty()) {
            args.append(" --only ").append(String.join(",", Benchmark.ROWS.stream().filter(options.only()::contains)
                    .toList()));
        }
        if (options.peers() != defaults.peers()) {
            args.append(" --peers ").append(options.peers().name().toLowerCase(Locale.ROOT));
        }
        if (!options.coldJava().equals(defaults.coldJava())) {
            args.append(" --cold-java ").append(options.coldJava().isEmpty() ? "none" : String.join(",", options.coldJava()));
        }
        if (options.coldCds() != defaults.coldCds()) {
            args.append(" --cold-cds off");
        }
        return args.toString();
    }

    private static String ratio(Row row) {
        return row.theirs().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio());
    }

    private static String bytes(double value) {
        return value < 0 || Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> value) {
        return Measurements.median(samples, value);
    }

    private static String mbps(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 10 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String mib(long kb) {
        return kb < 0 ? "-" : String.format(Locale.ROOT, "%d MiB", Math.round(kb / 1024.0));
    }

    private static String compact(long bytes) {
        return Options.human(bytes).replace(" GiB", "g").replace(" MiB", "m").replace(" KiB", "k").replace(" B", "");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
