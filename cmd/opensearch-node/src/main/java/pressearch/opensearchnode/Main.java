package pressearch.opensearchnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs one OpenSearch node in this JVM until it is told to stop (SIGTERM or
 * SIGINT), with the Netty transport and the common analysis module loaded
 * from the class path. A cluster on one machine is several of these, one
 * process a node, so that a test can stop one node and start it again.
 *
 * <p>Usage: {@code Main --home DIR --name NAME --http PORT --transport PORT
 * --seeds HOST:PORT,... --managers NAME,... [--cluster NAME]
 * [--set key=value]...}. The node listens on 127.0.0.1 only.
 */
public final class Main {
    private Main() {}

    /** A node with plugins given by class, which Node itself keeps protected. */
    private static final class PluginNode extends Node {
        PluginNode(Environment env, List<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                usage("bad argument " + a);
            }
            String v = args[++i];
            if (a.equals("--set")) {
                extra.add(v);
            } else {
                opts.put(a.substring(2), v);
            }
        }
        for (String k : List.of("home", "name", "http", "transport", "seeds", "managers")) {
            if (!opts.containsKey(k)) {
                usage("missing --" + k);
            }
        }
        Path home = Path.of(opts.get("home")).toAbsolutePath();
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));

        Settings.Builder b = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", opts.getOrDefault("cluster", "pressearch-test"))
            .put("node.name", opts.get("name"))
            .put("network.host", "127.0.0.1")
            .put("http.port", opts.get("http"))
            .put("transport.port", opts.get("transport"))
            .putList("discovery.seed_hosts", List.of(opts.get("seeds").split(",")))
            .putList("cluster.initial_cluster_manager_nodes", List.of(opts.get("managers").split(",")))
            // A shared test machine's disk may be fuller than the
            // watermarks allow; replicas must still be placed.
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                usage("--set wants key=value, not " + kv);
            }
            b.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Settings settings = b.build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> opts.get("name"));

        Node node = new PluginNode(env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("opensearch-node: closing: " + e);
            }
            stopped.countDown();
        }, "opensearch-node-stop"));
        node.start();
        System.out.println("opensearch-node: " + opts.get("name") + " started, http 127.0.0.1:" + opts.get("http"));
        stopped.await();
    }

    private static void usage(String why) {
        System.err.println("opensearch-node: " + why);
        System.err.println("usage: Main --home DIR --name NAME --http PORT --transport PORT "
            + "--seeds HOST:PORT,... --managers NAME,... [--cluster NAME] [--set key=value]...");
        System.exit(2);
    }
}
