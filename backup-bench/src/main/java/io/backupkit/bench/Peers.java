package io.backupkit.bench;

import io.backupkit.testkit.Commands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tools a user would pick instead of the engine, for the rows "peer": restic and borg, each backing
 * up the data set into a repository in a local directory and restoring it. They deduplicate (content-
 * defined chunks, each named by a hash: SHA-256 of the plaintext for restic and for borg with {@code -e
 * none}) and restic always encrypts (AES-256-CTR and Poly1305 for every blob); borg runs here with {@code
 * -e none}. So the rows show what a user sees after swapping tools, not like for like.
 *
 * <p>Each command runs with {@link #environment} (a home of its own below the run directory, the
 * password in the environment, never on a command line) and standard input from /dev/null, so it never
 * asks. A backup goes into a repository made just before, outside the timing, so that deduplication
 * against an earlier run does not flatter it.
 */
final class Peers {
    /** restic's password (the repository is deleted at the end). */
    private static final String PASSWORD = "backupkit-bench";
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    static final String RESTIC_INIT = "restic -r REPO init --repository-version 2";
    static final String RESTIC_BACKUP = "restic -r REPO backup -q --compression auto DIR";
    static final String RESTIC_RESTORE = "restic -r REPO restore -q latest --target OUT";
    static final String BORG_INIT = "borg init -e none REPO";
    /** With {@code %s} for the compression. */
    static final String BORG_CREATE = "borg create --compression %s REPO::bench DIR";
    static final String BORG_EXTRACT = "cd OUT && borg extract REPO::bench";

    private final Path home;

    /** The peers' commands with {@code home} for their caches, configuration and keys. */
    Peers(Path home) {
        this.home = home;
    }

    /** Why restic's rows are skipped on this machine, or null when it can run them (0.14 or later). */
    static String resticMissing() {
        return missing("restic", List.of("restic", "version"), "restic");
    }

    /** Why borg's rows are skipped on this machine, or null when it can run them (1.1.4 or a later 1.x). */
    static String borgMissing() {
        return missing("borg", List.of("borg", "--version"), "borgbackup");
    }

    private static String missing(String tool, List<String> versionCommand, String debianPackage) {
        if (!Benchmark.onPath(tool)) {
            return tool + " is not installed (apt-get install -y " + debianPackage + ")";
        }
        Commands.Result r = Commands.run(Duration.ofSeconds(10), versionCommand);
        if (r.exitCode() != 0) {
            return "'" + String.join(" ", versionCommand) + "' failed: " + (r.stdout() + " " + r.stderr()).strip();
        }
        return unsuitable(tool, r.stdout() + " " + r.stderr());
    }

    /**
     * Why the {@code tool} whose version command printed {@code versionText} cannot run its rows, or null:
     * restic from 0.14 (compressed repositories, format 2), borg 1.x from 1.1.4 (zstd; borg 2 has another
     * command line).
     */
    static String unsuitable(String tool, String versionText) {
        Matcher m = VERSION.matcher(versionText);
        if (!m.find()) {
            return tool + " does not tell its version: '" + versionText.strip() + "'";
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        String whyNot = switch (tool) {
            case "restic" -> major > 0 || minor >= 14 ? null : "older than 0.14, which made compressed repositories";
            case "borg" -> major != 1 ? "not 1.x, whose command line the benchmark drives"
                    : minor > 1 || minor == 1 && patch >= 4 ? null : "older than 1.1.4, which brought zstd";
            default -> throw new IllegalArgumentException("Not a peer: " + tool);
        };
        return whyNot == null ? null : tool + " " + m.group() + " is " + whyNot;
    }

    /**
     * The environment of every peer command: restic's password and cache, borg's base directory (its
     * cache, configuration, security and key directories) below {@code home}, and the answers borg would
     * otherwise ask for (an unencrypted repository, one that moved).
     */
    Map<String, String> environment() {
        return Map.of(
                "RESTIC_PASSWORD", PASSWORD,
                "RESTIC_CACHE_DIR", home.resolve("restic-cache").toString(),
                "BORG_BASE_DIR", home.resolve("borg").toString(),
                "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes",
                "BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes");
    }

    /** Where the peers keep their caches and configuration. */
    Path home() {
        return home;
    }

    static List<String> resticInit(Path repo) {
        return List.of("restic", "-r", repo.toString(), "init", "-q", "--repository-version", "2");
    }

    /** {@link #RESTIC_BACKUP}, run in the directory that holds {@code dir}. */
    static List<String> resticBackup(Path repo, String dir) {
        return List.of("restic", "-r", repo.toString(), "backup", "-q", "--compression", "auto", dir);
    }

    /** {@link #RESTIC_RESTORE}: the tree lands in {@code target/DIR}. */
    static List<String> resticRestore(Path repo, Path target) {
        return List.of("restic", "-r", repo.toString(), "restore", "-q", "latest", "--target", target.toString());
    }

    static List<String> borgInit(Path repo) {
        return List.of("borg", "init", "-e", "none", repo.toString());
    }

    /** {@link #BORG_CREATE} with {@code compression} ({@code none}, {@code zstd,3}), run where {@code dir} is. */
    static List<String> borgCreate(Path repo, String compression, String dir) {
        return List.of("borg", "create", "--compression", compression, repo + "::bench", dir);
    }

    /** {@link #BORG_EXTRACT}: run in the target directory, where borg extracts. */
    static List<String> borgExtract(Path repo) {
        return List.of("borg", "extract", repo + "::bench");
    }
}
