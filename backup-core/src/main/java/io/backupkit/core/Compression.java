package io.backupkit.core;

/**
 * How archives are compressed when written. On read the compression is detected from the archive's
 * first bytes (its magic number), never from the file name.
 */
public enum Compression {
    /** A plain tar. */
    NONE(".tar"),
    /** gzip (level 1: the JDK's deflater is slow at higher levels). */
    GZIP(".tar.gz"),
    /** Zstandard level 3 with worker threads: the default. */
    ZSTD(".tar.zst");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    /** The file name suffix of an archive, including the dot. */
    public String suffix() {
        return suffix;
    }

    /**
     * The compression an archive's name says ({@code .tar.zst} is zstd), for a name the engine gave it.
     *
     * @throws IllegalArgumentException when the name ends in none of the suffixes
     */
    public static Compression ofFileName(String name) {
        for (Compression c : new Compression[] {ZSTD, GZIP, NONE}) {
            if (name.endsWith(c.suffix)) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not the name of an archive");
    }
}
