package onemap.neo4jlocal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts Neo4j Community embedded with only the Bolt connector on 127.0.0.1, so the app
 * talks to it through neo4j-driver exactly as it would to a server.
 *
 * Environment: NEO4J_BOLT_PORT (7687), NEO4J_DATA_DIR (.data/neo4j), NEO4J_USER (neo4j),
 * NEO4J_PASSWORD (onemap-local), NEO4J_PAGECACHE, NEO4J_TX_MEMORY. Without them the page cache is
 * half the machine's RAM minus this JVM's heap (at least 256m; scripts/services.mjs passes the size it
 * computed for the profile) and the transaction memory 70% of the heap, so one query cannot exhaust it.
 * Prints "ONEMAP_NEO4J_READY bolt://127.0.0.1:PORT" when Bolt accepts connections.
 * Exits with status 2 and one line "ONEMAP_NEO4J_ERROR ..." on a known fault.
 */
public final class Launcher {
  private Launcher() {}

  /** Half the machine's physical RAM minus the heap, in MiB (at least 256). */
  static long defaultPageCacheMiB(long heapBytes) {
    long total = 0;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      total = os.getTotalMemorySize();
    }
    return Math.max(256, (total / 2 - heapBytes) / (1024 * 1024));
  }

  /**
   * Any other Neo4j setting, as `NEO4J_SETTINGS="name=value,name=value"` (the names of neo4j.conf,
   * e.g. `dbms.cypher.min_replan_interval=5m`); they override the launcher's own.
   */
  static Map<org.neo4j.graphdb.config.Setting<?>, Object> extraSettings(String spec) {
    Map<String, String> raw = new java.util.LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq <= 0) fail("NEO4J_SETTINGS: \"" + part.trim() + "\" is not name=value");
      raw.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    Map<org.neo4j.graphdb.config.Setting<?>, Object> out = new java.util.LinkedHashMap<>();
    if (raw.isEmpty()) return out;
    org.neo4j.configuration.Config parsed;
    try {
      // Neo4j's own parser: an unknown name or a bad value is refused with its message.
      parsed = org.neo4j.configuration.Config.newBuilder().setRaw(raw).build();
    } catch (RuntimeException e) {
      fail("NEO4J_SETTINGS: " + e.getMessage());
      return out;
    }
    for (String name : raw.keySet()) {
      var setting = parsed.getSetting(name);
      out.put(setting, parsed.get(setting));
    }
    System.out.println("ONEMAP_NEO4J_SETTINGS " + raw);
    return out;
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    int port = Integer.parseInt(env.getOrDefault("NEO4J_BOLT_PORT", "7687"));
    Path dataDir = Path.of(env.getOrDefault("NEO4J_DATA_DIR", ".data/neo4j")).toAbsolutePath();
    String user = env.getOrDefault("NEO4J_USER", "neo4j");
    String password = env.getOrDefault("NEO4J_PASSWORD", "onemap-local");
    long heapBytes = Runtime.getRuntime().maxMemory();
    String pageCache = env.getOrDefault("NEO4J_PAGECACHE", defaultPageCacheMiB(heapBytes) + "m");
    String txMemory = env.getOrDefault("NEO4J_TX_MEMORY", (heapBytes / (1024 * 1024) * 7 / 10) + "m");
    System.out.println("ONEMAP_NEO4J_MEMORY heap=" + (heapBytes / (1024 * 1024)) + "m pagecache=" + pageCache + " txmemory=" + txMemory);

    if (!portFree(port)) {
      fail("port " + port + " on 127.0.0.1 is already in use; stop what holds it or set NEO4J_BOLT_PORT");
    }
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      fail("cannot create data directory " + dataDir + ": " + e.getMessage());
    }
    Path lock = dataDir.resolve("onemap-launcher.pid");
    checkStaleLock(lock);

    DatabaseManagementService dbms;
    try {
      dbms = new DatabaseManagementServiceBuilder(dataDir)
          .setConfig(BoltConnector.enabled, true)
          .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
          .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
          .setConfig(HttpConnector.enabled, false)
          .setConfig(GraphDatabaseSettings.auth_enabled, true)
          .setConfig(GraphDatabaseSettings.pagecache_memory, org.neo4j.io.ByteUnit.parse(pageCache))
          .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, org.neo4j.io.ByteUnit.parse(txMemory))
          .setConfig(GraphDatabaseSettings.logs_directory, dataDir.resolve("logs"))
          // Bolt's two Netty event loop groups each wait a 5 s quiet period on shutdown, after the
          // databases are already stopped and checkpointed: 10 s of every stop spent waiting for
          // connections that a stopping server no longer accepts.
          .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
          // Plans are cached per statement text, parameter types AND, by default, the size class
          // of each list and string parameter (1, 2-10, 11-100, 101-1000, ...): the first request
          // whose list falls in a new class (a search with one candidate where the warm-up's had
          // several, a group of 20 rows after a rehearsal of 1) planned its statement again,
          // 0.4-0.8 s on a server just started (docs/api.md, "Plans by size class"). Our
          // statements find their nodes by keys whatever the sizes, so one plan serves them all.
          // NEO4J_SETTINGS="internal.cypher.use_parameter_size=true" restores Neo4j's default.
          .setConfig(GraphDatabaseInternalSettings.cypher_size_hint_parameters, false)
          .setConfig(extraSettings(env.getOrDefault("NEO4J_SETTINGS", "")))
          .build();
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      fail("Neo4j did not start with data directory " + dataDir + ": " + root.getClass().getSimpleName() + ": " + root.getMessage()
          + " (if a crashed run left it unusable, run: node scripts/services.mjs reset-neo4j)");
      return;
    }

    try {
      setPassword(dbms, user, password);
      Files.writeString(lock, Long.toString(ProcessHandle.current().pid()));
    } catch (Exception e) {
      dbms.shutdown();
      fail("could not set credentials for user " + user + ": " + e.getMessage());
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      long t = System.nanoTime();
      System.out.println("ONEMAP_NEO4J_STOPPING");
      dbms.shutdown();
      try { Files.deleteIfExists(lock); } catch (IOException ignored) { }
      System.out.println("ONEMAP_NEO4J_STOPPED in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }, "onemap-neo4j-shutdown"));

    System.out.println("ONEMAP_NEO4J_READY bolt://127.0.0.1:" + port + " data=" + dataDir);
    System.out.flush();
    try {
      Thread.currentThread().join();
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }

  /** Creates or updates the user in the system database; Community has native users without roles. */
  private static void setPassword(DatabaseManagementService dbms, String user, String password) {
    var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    boolean exists = system.executeTransactionally(
        "SHOW USERS YIELD user WHERE user = $u RETURN count(*) AS n", Map.of("u", user),
        r -> ((Number) r.next().get("n")).longValue() > 0);
    if (exists) {
      try {
        system.executeTransactionally("ALTER USER " + quoteName(user) + " SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
      } catch (RuntimeException e) {
        // Restarting with the same password is the normal case, not a fault.
        if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) throw e;
      }
    } else {
      system.executeTransactionally("CREATE USER " + quoteName(user) + " SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
    }
  }

  private static String quoteName(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static void checkStaleLock(Path lock) {
    if (!Files.exists(lock)) return;
    try {
      long pid = Long.parseLong(Files.readString(lock).trim());
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid)) {
        fail("data directory " + lock.getParent() + " is in use by launcher pid " + pid + "; stop it first (node scripts/services.mjs down)");
      }
      System.out.println("ONEMAP_NEO4J_NOTE stale lock from crashed launcher pid " + pid + " removed; Neo4j will recover the store");
      Files.deleteIfExists(lock);
    } catch (IOException | NumberFormatException e) {
      try { Files.deleteIfExists(lock); } catch (IOException ignored) { }
    }
  }

  /** A killed launcher nobody has reaped yet still "lives" as a zombie; it holds nothing. */
  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void fail(String message) {
    System.err.println("ONEMAP_NEO4J_ERROR " + message);
    System.exit(2);
  }
}
