package io.backupkit.api;

/**
 * What a backup's digest (the SHA-256 of its manifest, which lists every entry's SHA-256) was checked
 * against besides the archive itself: the record the engine that wrote the backup kept in its own state.
 * JSON values {@code matched}, {@code not_recorded}, {@code differs}. Not a type of the specification.
 */
public enum DigestCheck implements WireValue {
    /**
     * This engine made the backup and its own record of the digest matches the filer's: the archive is
     * the one this device wrote, even if whoever can write the filer rewrote its records.
     */
    MATCHED("matched"),
    /**
     * This engine has no record of the backup's digest (an imported backup, another device's, or one made
     * before this engine's state was reset): the archive is only as trustworthy as the filer, which could
     * have replaced it together with its record.
     */
    NOT_RECORDED("not_recorded"),
    /** This engine recorded another digest: the filer's copy is not what this device wrote. */
    DIFFERS("differs");

    private final String wire;

    DigestCheck(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
