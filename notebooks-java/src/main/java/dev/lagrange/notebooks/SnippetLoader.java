package dev.lagrange.notebooks;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Loads JShell's snippet classes in this JVM under the runner's own class loader. JShell's local
 * engine would load them under the system class loader, which is not the runner's loader when the
 * runner itself was loaded by a plugin or a test framework; then the snippets would see other copies of
 * this module's classes, and {@link Display} would show into a sink nobody reads.
 */
final class SnippetLoader implements LoaderDelegate {
    private final Loader loader;
    private final Map<String, Class<?>> classes = new HashMap<>();

    SnippetLoader(ClassLoader parent) {
        this.loader = new Loader(parent);
    }

    /** The local execution engine with snippets loaded under {@code parent}. */
    static ExecutionControlProvider provider(ClassLoader parent) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "lagrange-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return new LocalExecutionControl(new SnippetLoader(parent));
            }
        };
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
        boolean[] installed = new boolean[cbcs.length];
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), c.bytecodes());
        }
        for (int k = 0; k < cbcs.length; k++) {
            try {
                Class<?> klass = loader.loadClass(cbcs[k].name());
                klass.getDeclaredMethods(); // links it now, so that a bad class fails here
                classes.put(cbcs[k].name(), klass);
                installed[k] = true;
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ClassInstallException("could not load " + cbcs[k].name() + ": " + e, installed);
            }
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] cbcs) {
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), c.bytecodes());
        }
    }

    @Override
    public void addToClasspath(String path) throws InternalException {
        for (String p : path.split(File.pathSeparator)) {
            if (p.isEmpty()) {
                continue;
            }
            try {
                loader.add(Path.of(p).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new InternalException("bad class path entry " + p + ": " + e.getMessage());
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> klass = classes.get(name);
        if (klass == null) {
            throw new ClassNotFoundException(name + " is not a snippet class");
        }
        return klass;
    }

    /** Parent first, then the snippets' bytecodes, then added class path entries. */
    private static final class Loader extends URLClassLoader {
        private final Map<String, byte[]> bytecodes = new HashMap<>();

        Loader(ClassLoader parent) {
            super(new URL[0], parent);
        }

        void declare(String name, byte[] bytes) {
            bytecodes.put(name, bytes);
        }

        void add(URL url) {
            addURL(url);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = bytecodes.get(name);
            if (bytes == null) {
                return super.findClass(name);
            }
            return defineClass(name, bytes, 0, bytes.length, (ProtectionDomain) null);
        }
    }
}
