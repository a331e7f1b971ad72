package io.backupkit.core;

import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import java.nio.file.Path;

/** Modules for the ServiceLoader tests: each needs a public no-arg constructor. */
public final class ServiceModules {
    private ServiceModules() {
    }

    /** A well-behaved module. */
    public static final class Good extends Delegating {
        public Good() {
            super(new FakeModule("good", Path.of(System.getProperty("java.io.tmpdir"), "backupkit-good")));
        }
    }

    /** Another module that claims the short name "good". */
    public static final class SameName extends Delegating {
        public SameName() {
            super(new FakeModule("good", Path.of(System.getProperty("java.io.tmpdir"), "backupkit-good2")));
        }
    }

    /** A module whose constructor fails. */
    public static final class Broken extends Delegating {
        public Broken() {
            super(null);
            throw new IllegalStateException("cannot open its database");
        }
    }
}
