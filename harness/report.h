/**
 * @file report.h  referlab report: results files -> HTML, Markdown, JUnit, JSON
 *
 * The pipeline: read and merge results.json files (report/read.c), gather
 * each case's folder (report/case.c: capture -> ladder, findings, hooks),
 * then write any of the outputs. The runner calls report_run_junit()
 * and report_run_html() after results.json; `referlab analyze --html` calls
 * report_capture_html() for a bare capture.
 */
#ifndef REFERLAB_REPORT_H
#define REFERLAB_REPORT_H

#include <stddef.h>

/* `referlab report RESULTS.json... [--html F] [--md F] [--junit F]
 * [--json F]`; exit 0 all cases passed, 1 a case failed or errored,
 * 2 usage, 3 cannot write an output, 4 an input was unreadable (what
 * could be read is still reported). */
int report_main(int argc, char **argv);

/* The single-file HTML report of one results.json, written to out_path
 * (links to the case folders are relative to it). Returns 0 or an errno;
 * err gets one line naming the file. */
int report_write_html(const char *results_path, const char *out_path,
		      char *err, size_t errsz);

/* OUT_DIR/junit.xml from OUT_DIR/results.json, by the writer of
 * `referlab report --junit` (one JUnit writer, checked against
 * tests/report/junit.xsd). 0, or an errno with one line on stderr. */
int report_run_junit(const char *out_dir);

/* OUT_DIR/report.html from OUT_DIR/results.json: the runner's call
 * after writing results.json. A problem is one line on stderr; it never
 * fails the run (the results are written already). */
void report_run_html(const char *out_dir);

/* A bare capture (pcap/pcapng) as an HTML page: ladder, transfers,
 * findings, hooks the verb would call. 0 or an errno with err set; a
 * capture read only in part is still written (err says where it stopped,
 * return EBADMSG). */
int report_capture_html(const char *const *captures, size_t n,
			const char *out_path, char *err, size_t errsz);

#endif
