package io.backupkit.bench;

import io.backupkit.bench.Benchmark.Side;
import io.backupkit.bench.Measurements.Row;
import io.backupkit.bench.Measurements.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pairs against the tools a user would pick instead ({@link Peers}), each run when it is installed
 * and skipped with a note in the report otherwise ({@code --peers yes} makes a missing one fail the
 * benchmark): restic against our zstd backup and its restore, borg without compression against our
 * uncompressed backup, with zstd level 3 against our zstd backup, and its extract against our restore.
 * Each backup of theirs goes into a repository made just before it, outside the timing; their restores
 * read the repository of the last backup run. Their peak RSS is that of every process they ran
 * ({@link TimedProcess.Rss#CHILDREN}).
 */
final class PeerRows {
    static final String RESTIC_BACKUP = "backup-local-zstd-restic";
    static final String RESTIC_RESTORE = "restore-local-zstd-restic";
    static final String BORG_BACKUP = "backup-local-borg";
    static final String BORG_ZSTD_BACKUP = "backup-local-zstd-borg";
    static final String BORG_RESTORE = "restore-local-zstd-borg";
    static final List<String> KEYS = List.of(RESTIC_BACKUP, RESTIC_RESTORE, BORG_BACKUP, BORG_ZSTD_BACKUP, BORG_RESTORE);

    private final Benchmark bench;
    private final Benchmark.Filer ours;
    private final Path directory;
    private final String dir;
    private final Peers peers;
    private final Map<String, String> environment;

    /** Rows backing up {@code dir} (the data set's directory name) to {@code ours} and to repositories in {@code directory}. */
    PeerRows(Benchmark bench, Benchmark.Filer ours, Path directory, String dir) {
        this.bench = bench;
        this.ours = ours;
        this.directory = directory;
        this.dir = dir;
        this.peers = new Peers(directory.resolve("home"));
        this.environment = peers.environment();
    }

    /** Adds the rows that {@code --only} and {@code --peers} let run; a note per skipped tool goes to {@code skipped}. */
    void add(List<Row> rows, List<String> skipped) throws IOException {
        boolean restic = bench.options().runs(RESTIC_BACKUP) || bench.options().runs(RESTIC_RESTORE);
        boolean borg = bench.options().runs(BORG_BACKUP) || bench.options().runs(BORG_ZSTD_BACKUP)
                || bench.options().runs(BORG_RESTORE);
        if (bench.options().peers() == Options.Want.NO) {
            if (restic || borg) {
                skipped.add("restic and borg: not run (--peers no)");
            }
            return;
        }
        Files.createDirectories(peers.home());
        try {
            if (restic && available(Peers.resticMissing(), skipped)) {
                restic(rows);
            }
            if (borg && available(Peers.borgMissing(), skipped)) {
                borg(rows);
            }
        } finally {
            Trees.delete(directory);
        }
    }

    private boolean available(String missing, List<String> skipped) {
        if (missing == null) {
            return true;
        }
        if (bench.options().peers() == Options.Want.YES) {
            throw new IllegalStateException(missing + " (--peers yes)");
        }
        bench.log().println(missing + ": skipping its rows");
        skipped.add(missing + ": its rows are skipped");
        return false;
    }

    private void restic(List<Row> rows) throws IOException {
        Path repo = directory.resolve("restic-repo");
        Side backup = i -> {
            Trees.delete(repo);
            Trees.delete(peers.home().resolve("restic-cache"));
            bench.peer(Peers.resticInit(repo), directory, environment, false);
            return theirs(Peers.resticBackup(repo, dir), repo);
        };
        bench.maybe(rows, RESTIC_BACKUP, "peer restic: backup, local filer, zstd", Peers.RESTIC_BACKUP, ours.backup("ZSTD"),
                backup);
        restore(rows, RESTIC_RESTORE, "peer restic: restore, local filer, zstd", Peers.RESTIC_RESTORE, repo, backup,
                target -> bench.peer(Peers.resticRestore(repo, target), bench.runDirectory(), environment, true));
        Trees.delete(repo);
    }

    private void borg(List<Row> rows) throws IOException {
        Path none = directory.resolve("borg-none");
        Path zstd = directory.resolve("borg-zstd");
        bench.maybe(rows, BORG_BACKUP, "peer borg: backup, local filer, uncompressed", String.format(Peers.BORG_CREATE,
                "none"), ours.backup("NONE"), borgCreate(none, "none"));
        Trees.delete(none);
        Side zstdBackup = borgCreate(zstd, "zstd,3");
        bench.maybe(rows, BORG_ZSTD_BACKUP, "peer borg: backup, local filer, zstd", String.format(Peers.BORG_CREATE,
                "zstd,3"), ours.backup("ZSTD"), zstdBackup);
        restore(rows, BORG_RESTORE, "peer borg: restore, local filer, zstd", Peers.BORG_EXTRACT, zstd, zstdBackup,
                target -> bench.peer(Peers.borgExtract(zstd), target, environment, true));
        Trees.delete(zstd);
    }

    /** A borg backup with {@code compression} into a fresh repository {@code repo} (and a fresh borg home). */
    private Side borgCreate(Path repo, String compression) {
        return i -> {
            Trees.delete(repo);
            Trees.delete(peers.home().resolve("borg"));
            bench.peer(Peers.borgInit(repo), directory, environment, false);
            return theirs(Peers.borgCreate(repo, compression, dir), repo);
        };
    }

    /** Runs a backup {@code command} of theirs in the data set's directory: the repository's size is the archive's. */
    private Sample theirs(List<String> command, Path repo) throws IOException {
        TimedProcess.Result r = bench.peer(command, bench.data().directory(), environment, true);
        return Sample.theirs(r, Trees.count(repo).bytes());
    }

    /**
     * The restore pair: ours restores our last zstd backup, theirs {@code repo}; either is made first,
     * untimed, when the backup row did not run.
     */
    private void restore(List<Row> rows, String key, String path, String command, Path repo, Side backup,
            Benchmark.TheirsRestore restore) throws IOException {
        if (!bench.options().runs(key)) {
            return;
        }
        String backupId = ours.backupFor("ZSTD");
        bench.made(repo.resolve("config"), backup);
        rows.add(bench.pair(key, path, command, i -> bench.oursRestore(ours.serverId, backupId, i),
                i -> bench.theirsRestore(i, restore)));
    }
}
