package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.Server;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.TransportProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The modules and transports of one engine: those registered by the host and those found with
 * {@link ServiceLoader}. A provider that fails to load, or two modules with one short name, stop the
 * engine from being built: a silently missing module means silently missing backup data.
 */
public final class Plugins {
    private final Map<String, BackupModule> modules;
    private final Map<String, ModuleInfo> infos = new LinkedHashMap<>();
    private final List<TransportProvider> transports;

    private Plugins(Map<String, BackupModule> modules, List<TransportProvider> transports) {
        this.modules = modules;
        this.transports = transports;
        // a module describes itself once: device_status must not depend on a module answering every time
        modules.forEach((name, module) -> infos.put(name, module.info()));
    }

    /** The description a module gave when the engine was built. */
    public ModuleInfo info(String shortName) {
        return infos.get(shortName);
    }

    /**
     * Finds, checks and configures the modules and transports.
     *
     * @param loader the class loader to search, or null to search nothing
     * @param configs the host's configuration per module short name
     */
    public static Plugins load(ClassLoader loader, List<BackupModule> explicitModules,
            List<TransportProvider> explicitTransports, Map<String, Map<String, String>> configs) throws IOException {
        List<BackupModule> found = new ArrayList<>(explicitModules);
        List<TransportProvider> providers = new ArrayList<>(explicitTransports);
        if (loader != null) {
            // a class the host registered itself wins over the same class found by ServiceLoader
            for (BackupModule module : discover(BackupModule.class, loader)) {
                if (found.stream().noneMatch(m -> m.getClass() == module.getClass())) {
                    found.add(module);
                }
            }
            for (TransportProvider provider : discover(TransportProvider.class, loader)) {
                if (providers.stream().noneMatch(p -> p.getClass() == provider.getClass())) {
                    providers.add(provider);
                }
            }
        }
        Map<String, BackupModule> modules = new LinkedHashMap<>();
        for (BackupModule module : found) {
            ModuleInfo info = module.info();
            BackupModule previous = modules.putIfAbsent(info.shortName(), module);
            if (previous != null) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Two modules have the short name '"
                        + info.shortName() + "': " + previous.getClass().getName() + " and " + module.getClass().getName());
            }
            if (module.formatVersion() < 1) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Module '" + info.shortName()
                        + "' declares format version " + module.formatVersion() + "; it must be at least 1");
            }
        }
        for (String name : configs.keySet()) {
            if (!modules.containsKey(name)) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Configuration is given for module '" + name
                        + "', which is not installed (installed: " + String.join(", ", modules.keySet()) + ")");
            }
        }
        for (Map.Entry<String, BackupModule> entry : modules.entrySet()) {
            if (!configs.containsKey(entry.getKey()) && explicitModules.contains(entry.getValue())) {
                continue; // an instance the host registered is configured by the host, unless it says otherwise
            }
            ModuleConfig config = new ModuleConfig(entry.getKey(), configs.getOrDefault(entry.getKey(), Map.of()));
            entry.getValue().configure(config);
            if (!config.unreadKeys().isEmpty()) {
                throw new BackupException(ErrorCode.INVALID_INPUT, "Module '" + entry.getKey()
                        + "' does not know the configuration keys " + config.unreadKeys().stream()
                        .map(k -> "'" + k + "'").collect(Collectors.joining(", ")));
            }
        }
        return new Plugins(Collections.unmodifiableMap(modules), List.copyOf(providers));
    }

    private static <T> List<T> discover(Class<T> type, ClassLoader loader) {
        List<T> found = new ArrayList<>();
        try {
            ServiceLoader.load(type, loader).stream().forEach(provider -> {
                try {
                    found.add(provider.get());
                } catch (ServiceConfigurationError | RuntimeException e) {
                    throw new BackupException(ErrorCode.INTERNAL, "Cannot load " + type.getSimpleName() + " '"
                            + provider.type().getName() + "': " + e.getMessage(), e);
                }
            });
        } catch (ServiceConfigurationError e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot load the " + type.getSimpleName()
                    + " providers: " + e.getMessage(), e);
        }
        return found;
    }

    /** Every module by short name, in registration order. */
    public Map<String, BackupModule> modules() {
        return modules;
    }

    /** The module with this short name, or null. */
    public BackupModule module(String shortName) {
        return modules.get(shortName);
    }

    /** The one transport provider that serves a server. */
    public TransportProvider transportFor(Server server) {
        List<TransportProvider> serving = transports.stream().filter(t -> t.supports(server)).toList();
        if (serving.isEmpty()) {
            throw new BackupException(ErrorCode.NOT_SUPPORTED, "No transport serves server '" + server.name()
                    + "' (host '" + server.host() + "'); for SFTP add backup-transport-sftp to the class path");
        }
        if (serving.size() > 1) {
            throw new BackupException(ErrorCode.INTERNAL, "Transports " + serving.stream().map(TransportProvider::name)
                    .collect(Collectors.joining(", ")) + " all claim server '" + server.name() + "'");
        }
        return serving.get(0);
    }
}
