package io.seqstream.jobs.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of this JVM (message and stack trace) while open, with chosen loggers turned up to INFO,
 * so a test can assert what never appears in logs (e.g. a password). Restores the loggers on close.
 */
public final class LogCapture implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final Map<String, Level> previous = new HashMap<>();
    private final AbstractAppender appender;
    private final LoggerContext context;

    public LogCapture(List<String> infoLoggers) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                        .append(event.getMessage().getFormattedMessage()).append('\n');
                if (event.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(w));
                    text.append(w).append('\n');
                }
            }
        };
        appender.start();
        config.getRootLogger().addAppender(appender, null, null);
        for (String name : infoLoggers) {
            LoggerConfig lc = config.getLoggerConfig(name);
            if (!lc.getName().equals(name)) {
                lc = new LoggerConfig(name, Level.INFO, true);
                config.addLogger(name, lc);
                previous.put(name, null);
            } else {
                previous.put(name, lc.getLevel());
                lc.setLevel(Level.INFO);
            }
        }
        for (LoggerConfig lc : config.getLoggers().values()) {
            if (lc != config.getRootLogger()) {
                lc.addAppender(appender, null, null);
            }
        }
        context.updateLoggers();
    }

    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        for (LoggerConfig lc : config.getLoggers().values()) {
            lc.removeAppender(appender.getName());
        }
        config.getRootLogger().removeAppender(appender.getName());
        previous.forEach((name, level) -> {
            if (level == null) {
                config.removeLogger(name);
            } else {
                config.getLoggerConfig(name).setLevel(level);
            }
        });
        context.updateLoggers();
        appender.stop();
    }
}
