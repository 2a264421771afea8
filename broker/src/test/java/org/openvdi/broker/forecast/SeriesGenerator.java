package org.openvdi.broker.forecast;

import java.util.Random;

/**
 * Hourly request series with a known shape: a weekday profile (a morning logon storm, a lunch dip, an afternoon
 * return, nothing at night) and quiet weekends, scaled by a level that may grow (trend) or jump (level shift), with
 * optional Poisson noise from a fixed seed.
 */
final class SeriesGenerator {

    private SeriesGenerator() {
    }

    /** The expected requests in hour {@code hour} of a week that starts on a Monday at midnight. */
    static double shape(int hourOfWeek) {
        int day = hourOfWeek / 24;
        int hour = hourOfWeek % 24;
        double weekday = switch (hour) {
            case 7 -> 20;
            case 8 -> 40;
            case 9 -> 15;
            case 10, 11 -> 6;
            case 12 -> 3;
            case 13 -> 12;
            case 14, 15, 16 -> 5;
            case 17 -> 2;
            default -> 0;
        };
        return day < 5 ? weekday : weekday / 10;
    }

    /**
     * {@code weeks} weeks of hourly values: the shape times a level that starts at 1, grows by {@code trendPerWeek}
     * each week and jumps by {@code shift} from week {@code shiftWeek} on; Poisson noise when {@code seed} is not null.
     */
    static double[] series(int weeks, double trendPerWeek, int shiftWeek, double shift, Long seed) {
        Random random = seed == null ? null : new Random(seed);
        double[] y = new double[weeks * 168];
        for (int t = 0; t < y.length; t++) {
            double level = 1 + trendPerWeek * t / 168.0 + (t / 168 >= shiftWeek ? shift : 0);
            double mean = shape(t % 168) * level;
            y[t] = random == null ? mean : poisson(mean, random);
        }
        return y;
    }

    /** How an hour's requests fall into its quarters: the morning storm peaks in its second quarter. */
    static double quarterShare(int hour, int quarter) {
        if (hour == 8) {
            return new double[]{0.2, 0.5, 0.2, 0.1}[quarter];
        }
        return 0.25;
    }

    /** As {@link #series}, per quarter hour: each hour's mean split by {@link #quarterShare}. */
    static double[] quarterSeries(int weeks, double trendPerWeek, int shiftWeek, double shift, Long seed) {
        Random random = seed == null ? null : new Random(seed);
        int week = 4 * 168;
        double[] y = new double[weeks * week];
        for (int t = 0; t < y.length; t++) {
            double level = 1 + trendPerWeek * t / (double) week + (t / week >= shiftWeek ? shift : 0);
            int hourOfWeek = (t % week) / 4;
            double mean = shape(hourOfWeek) * quarterShare(hourOfWeek % 24, t % 4) * level;
            y[t] = random == null ? mean : poisson(mean, random);
        }
        return y;
    }

    private static int poisson(double mean, Random random) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }
}
