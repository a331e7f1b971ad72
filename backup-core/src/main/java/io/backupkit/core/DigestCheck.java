package io.backupkit.core;

/**
 * What a backup's digest (the SHA-256 of its manifest, which lists every entry's SHA-256) was checked
 * against besides the archive itself.
 */
public enum DigestCheck {
    /**
     * This engine made the backup and its own record of the digest matches the filer's: the archive is
     * the one this device wrote, even if whoever can write the filer rewrote its records.
     */
    MATCHED,
    /**
     * This engine has no record of the backup's digest (an imported backup, another device's, or one
     * made before this engine's state was reset): the archive is only as trustworthy as the filer, which
     * could have replaced it together with its record.
     */
    NOT_RECORDED
}
