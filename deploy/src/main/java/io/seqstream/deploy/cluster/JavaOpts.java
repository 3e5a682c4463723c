package io.seqstream.deploy.cluster;

import java.util.List;

/** JVM options of the Flink processes, as flink-dist's config.yaml and scripts set them. */
public final class JavaOpts {
    private JavaOpts() {
    }

    /**
     * Flink's default {@code env.java.opts.all}: on Java 17 Flink's serializers and RPC reflect into these
     * JDK packages, which the module system closes by default.
     */
    public static final List<String> ALL = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Added for every seqstream process (JobManager, TaskManager, client): model-core's step kernels use the
     * Vector API, an incubator module on Java 17 (without it they fall back to slower scalar code).
     */
    public static final List<String> SEQSTREAM = List.of("--add-modules=jdk.incubator.vector");

    /** The options joined as one config.yaml value. */
    static String join(List<String> opts) {
        return String.join(" ", opts);
    }
}
