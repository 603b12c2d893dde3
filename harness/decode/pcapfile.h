/**
 * @file pcapfile.h  Reading pcap and pcapng files one frame at a time
 *
 * The first stage of the analyser pipeline: it turns a file (or any
 * FILE stream) into frames, each with its number as Wireshark counts it,
 * its capture time and the link type of the interface it came from. It
 * never holds more than one frame, so a capture of any size streams.
 */
#ifndef REFERLAB_PCAPFILE_H
#define REFERLAB_PCAPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

struct pcap_frame {
	uint64_t num;          /* 1-based frame number, as Wireshark shows it */
	uint64_t ts_ns;        /* capture time, ns since the Unix epoch */
	uint32_t linktype;     /* LINKTYPE_* of the frame's interface */
	const uint8_t *data;   /* valid until the next pcapfile_next() */
	size_t caplen;         /* bytes in data */
	size_t origlen;        /* bytes on the wire */
	uint64_t offset;       /* file offset of the frame's record */
};

struct pcapfile;

int  pcapfile_open(struct pcapfile **pfp, const char *path, char *errbuf,
		   size_t errsz);
int  pcapfile_fopen(struct pcapfile **pfp, FILE *f, char *errbuf,
		    size_t errsz);
int  pcapfile_next(struct pcapfile *pf, struct pcap_frame *fr);
const char *pcapfile_error(const struct pcapfile *pf);
const char *pcapfile_format(const struct pcapfile *pf);

/* pcapfile_open/fopen return 0 or an error with errbuf saying what and
 * where ("offset 0: not a pcap or pcapng file"); pcapfile_next returns 0,
 * ENOENT at the end of the file, or EBADMSG/EIO with pcapfile_error()
 * naming the byte offset ("offset 1234: block length 7 is corrupt"). */

#endif
