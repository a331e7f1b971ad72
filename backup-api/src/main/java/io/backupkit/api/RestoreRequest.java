package io.backupkit.api;

import java.util.Optional;

/**
 * The body of the HTTP API's {@code POST /completed_backups/server/{server_id}/items/{id}/restore}
 * (JSON {@code restore_request}: {@code {"contents"?}}). The body itself is optional: no body means
 * the same as {@link #everything()}. Not a type of the specification, which leaves the actions'
 * bodies open.
 *
 * @param contents what to restore; null when absent, which means everything the backup holds
 */
public record RestoreRequest(ContentInfo contents) {
    /** A restore of everything the backup holds. */
    public static RestoreRequest everything() {
        return new RestoreRequest(null);
    }

    /** What to restore, when chosen; empty when everything the backup holds is meant. */
    public Optional<ContentInfo> optionalContents() {
        return Optional.ofNullable(contents);
    }
}
