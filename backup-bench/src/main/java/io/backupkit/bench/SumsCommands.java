package io.backupkit.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The engine's integrity work done with the standard tools, for the rows "for reference": every file's
 * SHA-256 made on backup (the engine's manifest lists each entry's) and checked on restore before the
 * data counts as restored. There is no SHA-256 of the archive: the engine's backup digest is the SHA-256
 * of its manifest, a few KiB, not a second pass over the data. OpenSSL's SHA-256 is the fastest one on
 * the machine (coreutils' {@code sha256sum} is several times slower).
 */
final class SumsCommands {
    /** How the report shows {@link #backup}. */
    static final String BACKUP = "tar -cf FILE DIR & find DIR -type f -print0 | sort -z | xargs -0 openssl dgst -sha256 -r > SUMS";
    /** How the report shows {@link #restore}. */
    static final String RESTORE = "tar -xf FILE -C OUT && cd OUT && find DIR -type f -print0 | sort -z "
            + "| xargs -0 openssl dgst -sha256 -r | cmp - SUMS";
    /** The exit code of {@link #restore} when a file differs from its SHA-256, or one is missing or extra. */
    static final int FILES_DIFFER = 3;

    private SumsCommands() {
    }

    /**
     * {@link #BACKUP}, run in the directory that holds {@code dir}: the archive, and every file's SHA-256 in
     * {@code sums} (sorted by name, in the format of {@code sha256sum}), both reading the files at once.
     */
    static List<String> backup(String dir, Path archive, Path sums) {
        return List.of("bash", "-c", "set -o pipefail; tar -cf " + q(archive) + " " + SshClient.quote(dir) + " & a=$!; find "
                + SshClient.quote(dir) + " -type f -print0 | sort -z | xargs -0 -r openssl dgst -sha256 -r > " + q(sums)
                + " || exit 1; wait $a");
    }

    /**
     * {@link #RESTORE}: extracts the archive into {@code target}, then checks every extracted file against
     * {@code sums}; exits {@link #FILES_DIFFER} when a file does not match (or one is missing or extra),
     * 1 when tar fails.
     */
    static List<String> restore(String dir, Path archive, Path sums, Path target) {
        return List.of("bash", "-c", "set -o pipefail; tar -xf " + q(archive) + " -C " + q(target) + " || exit 1; cd "
                + q(target) + " && find " + SshClient.quote(dir) + " -type f -print0 | sort -z | xargs -0 -r openssl dgst "
                + "-sha256 -r | cmp -s - " + q(sums) + " || { echo 'the files do not match their SHA-256' >&2; exit "
                + FILES_DIFFER + "; }");
    }

    private static String q(Path path) {
        return SshClient.quote(path.toString());
    }
}
