package io.backupkit.server.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the command line finds the API when {@code --url} and {@code --token-file} are not given: read
 * from the service's config file, so that {@code backupkit status} on the device needs no options.
 *
 * @param url the API's base URL ({@code https://host:port/api/npm.backup/2.0}), if the config gives one
 * @param tokenFile the file holding the bearer token, if the config gives one
 */
public record ClientDefaults(Optional<URI> url, Optional<Path> tokenFile) {
    /** No defaults. */
    public static final ClientDefaults NONE = new ClientDefaults(Optional.empty(), Optional.empty());
}
