package io.backupkit.bench;

import io.backupkit.api.Server;
import io.backupkit.bench.Measurements.Row;
import io.backupkit.bench.Measurements.Sample;
import io.backupkit.core.BackupEngine;
import io.backupkit.testkit.OpenSshServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark: the engine against the standard tools on the same deterministic data set, side by
 * side, in one run. Run it with
 *
 * <pre>
 * mvn -B -q install -DskipTests -DskipITs &amp;&amp; mvn -B -q -pl backup-bench exec:exec@bench [-Dbench.args="--size 1g --runs 3"]
 * </pre>
 *
 * <p>Pairs (ours vs theirs), each {@code --runs} times, alternating which side goes first:
 * <ul>
 *   <li>backup to the local filer, uncompressed, vs {@code tar -cf FILE DIR};</li>
 *   <li>backup to the local filer with zstd vs {@code tar -cf - DIR | zstd -T0 -3 > FILE};</li>
 *   <li>backup over SFTP to a local OpenSSH sshd, uncompressed, vs
 *       {@code tar -cf - DIR | ssh -c aes128-gcm@openssh.com HOST 'cat > FILE'};</li>
 *   <li>restore from the local filer vs {@code tar -xf FILE -C DIR};</li>
 *   <li>restore over SFTP vs {@code ssh HOST 'cat FILE' | tar -xf - -C DIR};</li>
 *   <li>for reference, the local backup and restore against the standard tools doing the same integrity
 *       work: every file's SHA-256, made on backup and checked on restore, and no SHA-256 of the archive
 *       ({@link SumsCommands});</li>
 *   <li>peers, when installed ({@link PeerRows}): restic and borg backing up to and restoring from a local
 *       repository against the same operation of ours;</li>
 *   <li>and one uncompressed local backup of a larger data set ({@code --rss-check}, 4 GiB by default),
 *       whose peak RSS must stay that of the 1 GiB one.</li>
 * </ul>
 * Our side runs in one long-running child JVM ({@link Host}, {@link Runner} {@code serve}, {@code -Xmx} from
 * {@code --heap}), as an application embeds the engine: after two unmeasured warm-up operations per pair,
 * each run times the engine call. One more pair and the RSS check start a fresh JVM per run ({@link ColdJvm}:
 * class-data sharing and the serial collector by default) and time the whole process, whose peak RSS
 * (VmHWM) is polled until it exits. {@code --only} runs a subset of the rows ({@link #ROWS}); a restore row
 * without its backup row makes the backups it restores first, untimed. Theirs are whole-process wall times; MB/s are 10^6 payload
 * bytes (the data set's bytes) per second; the report gives the median of the runs. The page cache
 * stays warm; archives are deleted between runs and restores go to a fresh directory, both outside the
 * timing. Every process and directory the benchmark starts is stopped and deleted at the end, on
 * failure, and on Ctrl-C, except the data sets, which are kept for the next run unless
 * {@code --delete-data}.
 */
public final class Benchmark {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    /** Unmeasured operations of ours before a pair's runs: the JIT compiles the hot code over the first two. */
    private static final int WARM_UP = 2;
    private static final String LOCAL_TAR = "tar -cf FILE DIR";
    private static final String ZSTD_TAR = "tar -cf - DIR | zstd -T0 -3 > FILE";
    private static final String SSH_TAR = "tar -cf - DIR | ssh -c " + SshClient.CIPHER + " HOST 'cat > FILE'";
    private static final String LOCAL_UNTAR = "tar -xf FILE -C DIR";
    private static final String SSH_UNTAR = "ssh -c " + SshClient.CIPHER + " HOST 'cat FILE' | tar -xf - -C DIR";
    /** Every row's key, in the order of the report ({@code --only} takes them). */
    static final List<String> ROWS = List.of("backup-local", "restore-local", "backup-local-sums", "restore-local-sums",
            "backup-local-zstd", "backup-sftp", "restore-sftp", PeerRows.RESTIC_BACKUP, PeerRows.RESTIC_RESTORE,
            PeerRows.BORG_BACKUP, PeerRows.BORG_ZSTD_BACKUP, PeerRows.BORG_RESTORE, "backup-local-cold", "backup-local-rss");

    private final Options options;
    private final PrintStream log;
    private final Set<ProcessHandle> live = ConcurrentHashMap.newKeySet();
    private final List<Path> dataSets = new ArrayList<>();
    private volatile Path run;
    private volatile OpenSshServer sshd;
    private boolean cleanedUp;

    private Path state;
    private DataSet data;
    private Host host;
    /** The fresh-JVM rows' class path: {@code --classpath} in jars ({@link ColdJvm#jars}). */
    private String coldClasspath;

    private Benchmark(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(64);
            return;
        }
        try {
            run(options, System.out);
        } catch (Exception | Error e) {
            System.err.println("Benchmark failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the whole benchmark, writes the report to {@code options.out()} and returns it. */
    static Report run(Options options, PrintStream log) throws IOException {
        return new Benchmark(options, log).execute();
    }

    private Report execute() throws IOException {
        requireTools();
        boolean sftp = (options.runs("backup-sftp") || options.runs("restore-sftp")) && sftpWanted();
        Path work = options.workDirectory(this::needed);
        Files.createDirectories(work);
        Thread hook = new Thread(() -> cleanup(null), "backupkit-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Throwable failure = null;
        try {
            run = Files.createTempDirectory(work, "run-");
            log.println("Work directory " + work + " (" + Files.getFileStore(work).type() + "), this run in " + run);
            return measure(work, sftp);
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            cleanup(failure);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (and finds everything done)
            }
        }
    }

    private Report measure(Path work, boolean sftp) throws IOException {
        String loadBefore = Machine.loadAverage();
        data = DataSet.prepare(work, options.size(), options.seed(), log);
        dataSets.add(data.directory());
        state = run.resolve("state");
        Path theirs = Files.createDirectories(run.resolve("theirs"));

        SshClient ssh = null;
        Path remoteOurs = null;
        Path remoteTheirs = null;
        if (sftp) {
            sshd = OpenSshServer.start(run);
            log.println("Started " + sshd);
            remoteOurs = Files.createDirectories(sshd.dataDirectory().resolve("ours"));
            remoteTheirs = Files.createDirectories(sshd.dataDirectory().resolve("theirs"));
            ssh = SshClient.create(run.resolve("ssh-client"), sshd);
        }
        Filer local;
        Filer remote = null;
        try (BackupEngine engine = BackupEngine.builder()
                .stateDirectory(state)
                .device("bench-device", "backupkit-bench", "BENCH-0001", "0")
                .moduleConfig("files", Map.of("root." + Runner.ROOT, data.data().toString()))
                .build()) {
            Path filer = Files.createDirectories(run.resolve("filer"));
            local = new Filer(filer, engine.createServer(new Server(null, "local", "Benchmark local filer", "", 22,
                    filer.toString(), "", null, null)).id());
            if (sftp) {
                Server server = engine.createServer(new Server(null, "sftp", "Benchmark OpenSSH filer", sshd.host(),
                        sshd.port(), remoteOurs.toString(), sshd.user(), null, null));
                sshd.authorize(server.publicKey());
                String presented = engine.presentedHostKey(server.id());
                if (!presented.equals(sshd.hostKeyFingerprint())) {
                    throw new IllegalStateException("The benchmark's sshd presents '" + presented + "', its key is '"
                            + sshd.hostKeyFingerprint() + "'");
                }
                engine.trustHostKey(server.id(), presented);
                remote = new Filer(remoteOurs, server.id());
            }
        }

        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String dir = data.data().getFileName().toString();

        // 1, 2. backup to the local filer, uncompressed, vs tar -cf FILE DIR; restore vs tar -xf FILE -C DIR
        Path localTar = theirs.resolve("local.tar");
        Side tar = i -> {
            Files.deleteIfExists(localTar);
            return Sample.theirs(timed(List.of("tar", "-cf", localTar.toString(), dir), data.directory()), Files.size(localTar));
        };
        maybe(rows, "backup-local", "backup, local filer, uncompressed", LOCAL_TAR, local.backup("NONE"), tar);
        if (options.runs("restore-local")) {
            String backup = local.backupFor("NONE");
            made(localTar, tar);
            rows.add(pair("restore-local", "restore, local filer", LOCAL_UNTAR, i -> oursRestore(local.serverId, backup, i),
                    i -> theirsRestore(i, target -> timed(List.of("tar", "-xf", localTar.toString(), "-C",
                            target.toString()), run))));
        }
        local.empty();
        Files.deleteIfExists(localTar);

        // 2a, 2b. for reference, the same two with the integrity work ours does (each file's SHA-256, made on
        // backup, checked on restore) done by the standard tools
        Path sumsDir = Files.createDirectories(theirs.resolve("sums"));
        Path sumsTar = sumsDir.resolve("sums.tar");
        Path sums = sumsDir.resolve("files.sha256");
        Side sumsBackup = i -> {
            Trees.empty(sumsDir);
            return Sample.theirs(timed(SumsCommands.backup(dir, sumsTar, sums), data.directory()), Files.size(sumsTar));
        };
        maybe(rows, "backup-local-sums", "for reference: backup, local filer, uncompressed", SumsCommands.BACKUP,
                local.backup("NONE"), sumsBackup);
        if (options.runs("restore-local-sums")) {
            String backup = local.backupFor("NONE");
            made(sums, sumsBackup);
            rows.add(pair("restore-local-sums", "for reference: restore, local filer", SumsCommands.RESTORE,
                    i -> oursRestore(local.serverId, backup, i),
                    i -> theirsRestore(i, target -> timed(SumsCommands.restore(dir, sumsTar, sums, target), run))));
        }
        local.empty();
        Trees.empty(sumsDir);

        // 3. backup to the local filer with zstd vs tar | zstd -T0 -3
        Path zstdTar = theirs.resolve("local.tar.zst");
        maybe(rows, "backup-local-zstd", "backup, local filer, zstd", ZSTD_TAR, local.backup("ZSTD"), i -> {
            Files.deleteIfExists(zstdTar);
            TimedProcess.Result r = timed(List.of("bash", "-c", "set -o pipefail; tar -cf - " + dir
                    + " | zstd -q -T0 -3 > " + SshClient.quote(zstdTar.toString())), data.directory());
            return Sample.theirs(r, Files.size(zstdTar));
        });
        Files.deleteIfExists(zstdTar);

        if (remote != null) {
            // 4, 5. backup over SFTP vs tar | ssh 'cat > FILE'; restore vs ssh 'cat FILE' | tar -xf -
            SshClient client = ssh;
            Path sshTar = remoteTheirs.resolve("sftp.tar");
            Side sshBackup = i -> {
                Files.deleteIfExists(sshTar);
                TimedProcess.Result r = timed(List.of("bash", "-c", "set -o pipefail; tar -cf - " + dir + " | "
                        + client.shell("cat > " + SshClient.quote(sshTar.toString()))), data.directory());
                return Sample.theirs(r, Files.size(sshTar));
            };
            maybe(rows, "backup-sftp", "backup, SFTP, uncompressed", SSH_TAR, remote.backup("NONE"), sshBackup);
            if (options.runs("restore-sftp")) {
                Filer filer = remote;
                String backup = filer.backupFor("NONE");
                made(sshTar, sshBackup);
                rows.add(pair("restore-sftp", "restore, SFTP", SSH_UNTAR, i -> oursRestore(filer.serverId, backup, i),
                        i -> theirsRestore(i, target -> timed(List.of("bash", "-c", "set -o pipefail; "
                                + client.shell("cat " + SshClient.quote(sshTar.toString())) + " | tar -xf - -C "
                                + SshClient.quote(target.toString())), run))));
            }
            remote.empty();
            Files.deleteIfExists(sshTar);
        }

        // 6. peers: restic and borg, each into a fresh repository per run, against the same operation of ours
        new PeerRows(this, local, theirs.resolve("peers"), dir).add(rows, skipped);
        local.empty();

        // 7. the first backup of a fresh JVM (start, engine build, compiling the hot code, exit), the case of a
        // command-line tool; and its peak RSS at a larger size, which must stay that of the smaller one
        ColdJvm cold = ColdJvm.of(options.heap(), options.coldJava(),
                options.coldCds() ? run.resolve("engine.jsa") : null);
        if (options.runs("backup-local-cold") || options.runs("backup-local-rss") && options.rssCheck() > 0) {
            coldClasspath = ColdJvm.jars(options.classpath(), Files.createDirectories(run.resolve("jars")));
            log.println("Class-data archive for the fresh JVMs: " + (options.coldCds() ? "training" : "none (--cold-cds off)"));
            cold.train(coldClasspath, coldArguments(data.data(), local.serverId), command ->
                    TimedProcess.run(command, run, false, TIMEOUT, live));
            local.empty();
        }
        String coldPath = "backup, local filer, uncompressed, a fresh JVM per run (" + cold.label() + ")";
        if (options.runs("backup-local-cold")) {
            rows.add(pair("backup-local-cold", coldPath, LOCAL_TAR, i -> {
                local.empty();
                return oursCold(cold, data.data(), local.serverId).sample();
            }, tar, false));
        }
        Files.deleteIfExists(localTar);
        local.empty();
        if (options.rssCheck() > 0 && options.runs("backup-local-rss")) {
            DataSet large = options.rssCheck() == options.size() ? data
                    : DataSet.prepare(work, options.rssCheck(), options.seed(), log);
            dataSets.add(large.directory());
            Row row = single("backup-local-rss", "backup, local filer, uncompressed, a fresh JVM, "
                    + Options.human(large.bytes()) + " data set (RSS check, 1 run)", large.bytes(), () -> {
                        local.empty();
                        return oursCold(cold, large.data(), local.serverId).sample();
                    });
            rows.add(row);
            local.empty();
        }
        if (host != null) {
            host.close();
        }

        Report report = Report.create(options, Machine.describe(loadBefore), data, new Report.Setup(
                Files.getFileStore(work).type(), work, sftp ? ssh.display() + " COMMAND" : null, cold.display(), skipped),
                rows);
        Path out = options.out().toAbsolutePath();
        Files.writeString(out, report.markdown());
        log.println();
        log.print(report.markdown());
        log.println();
        log.println("Written to " + out);
        return report;
    }

    /**
     * The engine's backups on one filer directory, where each backup of ours starts by emptying it: so the
     * last backup made is the one there.
     */
    final class Filer {
        private final Path directory;
        final long serverId;
        private String backupId;
        private String compression;

        Filer(Path directory, long serverId) {
            this.directory = directory;
            this.serverId = serverId;
        }

        /** Ours in a pair: a backup with {@code compression} ({@code NONE}, {@code ZSTD}) after emptying the directory. */
        Side backup(String compression) {
            return i -> {
                empty();
                Ours result = ours("backup", data.data(), serverId, "--compression", compression);
                this.backupId = result.backupId();
                this.compression = compression;
                return result.sample();
            };
        }

        /** The last backup with {@code compression} when it is there, else one made now, untimed, for a restore row. */
        String backupFor(String compression) throws IOException {
            if (backupId == null || !compression.equals(this.compression)) {
                log.println("An untimed " + compression + " backup of ours to restore from:");
                backup(compression).run(-1);
            }
            return backupId;
        }

        void empty() throws IOException {
            Trees.empty(directory);
            backupId = null;
        }
    }

    /** Runs {@code side} once, untimed, when {@code file} (what a restore row of theirs reads) is missing. */
    void made(Path file, Side side) throws IOException {
        if (!Files.exists(file)) {
            log.println("An untimed run of theirs to restore from: " + file.getFileName());
            side.run(-1);
        }
    }

    /** Adds the pair when {@code --only} lets it run. */
    void maybe(List<Row> rows, String key, String path, String theirsCommand, Side ours, Side theirs) throws IOException {
        if (options.runs(key)) {
            rows.add(pair(key, path, theirsCommand, ours, theirs));
        }
    }

    Options options() {
        return options;
    }

    Path runDirectory() {
        return run;
    }

    DataSet data() {
        return data;
    }

    PrintStream log() {
        return log;
    }

    /** The engine's side of one run: what the child JVM reported and the backup it made (or null). */
    private record Ours(Sample sample, String backupId) {
    }

    /** One side of a pair: run {@code index} (0-based; -1 for a warm-up or an untimed run). */
    @FunctionalInterface
    interface Side {
        Sample run(int index) throws IOException;
    }

    @FunctionalInterface
    private interface Once {
        Sample run() throws IOException;
    }

    /** The command of theirs that restores into {@code target}, run and timed. */
    @FunctionalInterface
    interface TheirsRestore {
        TimedProcess.Result run(Path target) throws IOException;
    }

    Row pair(String key, String path, String theirsCommand, Side ours, Side theirs) throws IOException {
        return pair(key, path, theirsCommand, ours, theirs, true);
    }

    /** Runs a pair {@code --runs} times; {@code warmUp}: {@link #WARM_UP} unmeasured runs of ours first. */
    private Row pair(String key, String path, String theirsCommand, Side ours, Side theirs, boolean warmUp)
            throws IOException {
        List<Sample> oursSamples = new ArrayList<>();
        List<Sample> theirsSamples = new ArrayList<>();
        log.println(path + " vs " + theirsCommand + ":");
        for (int i = 0; warmUp && i < WARM_UP; i++) {
            Sample w = ours.run(-1);
            log.printf(Locale.ROOT, "  warm-up %d/%d: ours %s%n", i + 1, WARM_UP, describe(w, data.bytes()));
        }
        for (int i = 0; i < options.runs(); i++) {
            Sample o;
            Sample t;
            if (i % 2 == 0) {
                o = ours.run(i);
                t = theirs.run(i);
            } else {
                t = theirs.run(i);
                o = ours.run(i);
            }
            oursSamples.add(o);
            theirsSamples.add(t);
            log.printf(Locale.ROOT, "  run %d/%d: ours %s | theirs %.2f s, %.0f MB/s%n", i + 1, options.runs(),
                    describe(o, data.bytes()), t.seconds(), data.bytes() / 1e6 / t.seconds());
        }
        return new Row(key, path, theirsCommand, data.bytes(), oursSamples, theirsSamples);
    }

    private Row single(String key, String path, long payload, Once ours) throws IOException {
        log.println(path + ":");
        Sample o = ours.run();
        log.printf(Locale.ROOT, "  ours %s%n", describe(o, payload));
        return new Row(key, path, null, payload, List.of(o), List.of());
    }

    private static String describe(Sample s, long payload) {
        return String.format(Locale.ROOT, "%.2f s, %.0f MB/s (engine call %.2f s, CPU %.1f s, GC %d ms, peak RSS %d MiB)",
                s.seconds(), payload / 1e6 / s.seconds(), s.operationSeconds(), s.cpuMillis() / 1e3, s.gcMillis(),
                s.peakRssKb() / 1024);
    }

    /** Restores {@code backupId} into a fresh {@code restore-ours/data}; the first run checks the tree. */
    Sample oursRestore(long serverId, String backupId, int index) throws IOException {
        Path parent = run.resolve("restore-ours");
        Trees.delete(parent);
        Path target = parent.resolve(Runner.ROOT);
        Sample sample = ours("restore", target, serverId, "--backup", backupId).sample();
        if (index == 0) {
            check("ours", target);
        }
        Trees.delete(parent);
        return sample;
    }

    /**
     * Theirs restoring into a fresh {@code restore-theirs}, where the tree must land in {@code DIR}; the
     * first run checks the tree.
     */
    Sample theirsRestore(int index, TheirsRestore command) throws IOException {
        Path parent = run.resolve("restore-theirs");
        Trees.delete(parent);
        Files.createDirectories(parent);
        TimedProcess.Result r = command.run(parent);
        if (index == 0) {
            check("theirs", parent.resolve(data.data().getFileName().toString()));
        }
        Trees.delete(parent);
        return Sample.theirs(r, -1);
    }

    private void check(String side, Path restored) throws IOException {
        Trees.Count count = Files.isDirectory(restored) ? Trees.count(restored) : new Trees.Count(0, 0);
        if (count.files() != data.files() || count.bytes() != data.bytes()) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "The restore of %s in '%s' has %d files and %d bytes, the data set %d files and %d bytes",
                    side, restored, count.files(), count.bytes(), data.files(), data.bytes()));
        }
    }

    /** Runs one operation in the long-running host JVM (see {@link Host}) and reads its result line. */
    private Ours ours(String operation, Path root, long serverId, String... extra) throws IOException {
        if (host == null) {
            host = Host.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + options.heap(), "-cp", options.classpath(), Runner.class.getName(), "serve"),
                    run, live);
        }
        List<String> arguments = new ArrayList<>(List.of(operation, "--state", state.toString(), "--root",
                root.toString(), "--server", Long.toString(serverId)));
        arguments.addAll(List.of(extra));
        Map<String, String> result = parseResult(host.call(arguments));
        double seconds = Long.parseLong(result.get("op-nanos")) / 1e9;
        Sample sample = new Sample(seconds, seconds, Long.parseLong(result.getOrDefault("vmhwm-kb", "-1")),
                Long.parseLong(result.getOrDefault("cpu-ms", "-1")), Long.parseLong(result.getOrDefault("gc-ms", "-1")),
                Long.parseLong(result.getOrDefault("archive-bytes", "-1")));
        if (operation.equals("backup") && result.get("backup-id") == null) {
            throw new IllegalStateException("The host reported no backup id: " + result);
        }
        return new Ours(sample, result.get("backup-id"));
    }

    /** Runs an uncompressed backup of {@code root} in a fresh child JVM (a cold start) and reads its result line. */
    private Ours oursCold(ColdJvm cold, Path root, long serverId) throws IOException {
        List<String> command = cold.command(coldClasspath, coldArguments(root, serverId));
        TimedProcess.Result r = TimedProcess.run(command, run, true, TIMEOUT, live);
        Map<String, String> result = parseResult(r.stdout(), r.stderr());
        long peak = Math.max(r.peakRssKb(), Long.parseLong(result.getOrDefault("vmhwm-kb", "-1")));
        Sample sample = new Sample(r.seconds(), Long.parseLong(result.get("op-nanos")) / 1e9, peak,
                Long.parseLong(result.getOrDefault("cpu-ms", "-1")), Long.parseLong(result.getOrDefault("gc-ms", "-1")),
                Long.parseLong(result.getOrDefault("archive-bytes", "-1")));
        if (result.get("backup-id") == null) {
            throw new IllegalStateException("The engine's JVM reported no backup id: '" + r.stdout().strip() + "'");
        }
        return new Ours(sample, result.get("backup-id"));
    }

    /** {@link Runner}'s arguments for an uncompressed backup of {@code root}. */
    private List<String> coldArguments(Path root, long serverId) {
        return List.of("backup", "--state", state.toString(), "--root", root.toString(), "--server", Long.toString(serverId),
                "--compression", "NONE");
    }

    private static Map<String, String> parseResult(String line) {
        return parseResult(line, "(see the host's log)");
    }

    private static Map<String, String> parseResult(String stdout, String stderr) {
        String last = null;
        for (String line : stdout.split("\n")) {
            if (line.startsWith("RESULT")) {
                last = line;
            }
        }
        if (last == null) {
            throw new IllegalStateException("The engine's JVM printed no RESULT line; stdout: '" + stdout.strip()
                    + "', stderr: '" + stderr.strip() + "'");
        }
        Map<String, String> values = new HashMap<>();
        for (String field : last.substring("RESULT".length()).trim().split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                values.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        if (!values.containsKey("op-nanos")) {
            throw new IllegalStateException("The engine's JVM reported no op-nanos: '" + last + "'");
        }
        return values;
    }

    private TimedProcess.Result timed(List<String> command, Path directory) throws IOException {
        return TimedProcess.run(command, directory, false, TIMEOUT, live);
    }

    /** A command of a peer's: {@code environment}, and its peak RSS when {@code rss}; a 30-minute limit. */
    TimedProcess.Result peer(List<String> command, Path directory, Map<String, String> environment, boolean rss)
            throws IOException {
        return TimedProcess.run(command, directory, environment, rss ? TimedProcess.Rss.CHILDREN : TimedProcess.Rss.NONE,
                TIMEOUT, live);
    }

    private void requireTools() {
        for (String tool : List.of("tar", "zstd", "bash", "openssl")) {
            if (!onPath(tool)) {
                throw new IllegalStateException("'" + tool + "' is not installed (apt-get install -y " + tool + ")");
            }
        }
    }

    private boolean sftpWanted() {
        boolean available = OpenSshServer.isAvailable() && SshClient.isAvailable();
        return switch (options.sftp()) {
            case NO -> false;
            case AUTO -> {
                if (!available) {
                    log.println("OpenSSH (sshd, ssh, ssh-keygen) is not installed: skipping the SFTP pairs");
                }
                yield available;
            }
            case YES -> {
                if (!available) {
                    throw new IllegalStateException("--sftp yes needs /usr/sbin/sshd, /usr/bin/ssh and /usr/bin/ssh-keygen "
                            + "(apt-get install -y openssh-server openssh-client)");
                }
                yield true;
            }
        };
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Bytes the benchmark needs in {@code work}: missing data sets, two archives and a restore, or the RSS check. */
    private long needed(Path work) {
        long size = options.size();
        long rss = options.rssCheck();
        long need = DataSet.exists(work, size, options.seed()) ? 0 : size;
        long main = 3 * size;
        long check = rss == 0 ? 0 : rss + (rss == size || DataSet.exists(work, rss, options.seed()) ? 0 : rss);
        return (long) ((need + Math.max(main, check)) * 1.15); // small files round up to 4 KiB blocks
    }

    /** Stops every child process and sshd and deletes the run directory (and the data sets if asked); once. */
    private synchronized void cleanup(Throwable failure) {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        for (ProcessHandle handle : List.copyOf(live)) {
            TimedProcess.kill(handle);
        }
        OpenSshServer server = sshd;
        if (server != null) {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    System.err.println("Cannot stop " + server + ": " + e);
                }
            }
        }
        if (run != null) {
            Trees.deleteQuietly(run, failure);
        }
        if (options.deleteData()) {
            for (Path dataSet : dataSets) {
                Trees.deleteQuietly(dataSet, failure);
            }
        }
    }
}
