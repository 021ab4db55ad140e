package dev.lagrange.notebooks;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * XChart charts for notebooks: a line chart with the house look, and its rendering to an image or to
 * PNG bytes off screen (call it with {@code java.awt.headless=true} on a machine without a display;
 * the runner sets it). Presentation only. Rendering is O(width x height) per chart.
 */
public final class Charts {
    private Charts() {
    }

    /** An empty 640 x 400 line chart, legend inside at the top left, without markers,
     * x ticks with at most two decimals. */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0.##");
        return chart;
    }

    /** The chart drawn into an image: what {@code display(...)} shows as {@code image/png}. */
    public static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The chart as PNG bytes. */
    public static byte[] png(Chart<?, ?> chart) {
        return png(image(chart));
    }

    /** An image as PNG bytes. */
    static byte[] png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode an image as PNG", e);
        }
        return bytes.toByteArray();
    }
}
