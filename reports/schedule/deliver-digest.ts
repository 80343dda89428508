/** Sends a finished digest to one destination: a folder, an email (SMTP) or a webhook. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Delivery, SmtpConfig } from '../../schemas/digest.schema.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import type { DigestPeriod } from '../digest/digest-period.ts';

export interface DigestFile {
  site: SiteConfig;
  period: DigestPeriod;
  filename: string;
  pdf: Buffer;
  summary: string[];
}

export type Deliver = (file: DigestFile, delivery: Delivery) => Promise<void>;

/** A readable name for where a delivery goes, used in the ledger and logs. */
export function describeDelivery(d: Delivery): string {
  return d.kind === 'folder' ? `folder:${d.dir}` : d.kind === 'email' ? `email:${d.to.join(',')}` : `webhook:${new URL(d.url).origin}`;
}

export function createDeliver(smtp?: SmtpConfig): Deliver {
  const transport = smtp
    ? nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      })
    : null;
  return async (file, delivery) => {
    const subject = `Visitor digest · ${file.site.name} · ${file.period.label}`;
    switch (delivery.kind) {
      case 'folder': {
        const dir = join(delivery.dir, file.site.id);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, file.filename), file.pdf);
        return;
      }
      case 'email': {
        if (!transport || !smtp) throw new Error('email delivery needs digests.smtp in the configuration');
        await transport.sendMail({
          from: smtp.from,
          to: delivery.to,
          subject,
          text: `${file.summary.join('\n')}\n\nThe full digest is attached.`,
          attachments: [{ filename: file.filename, content: file.pdf, contentType: 'application/pdf' }],
        });
        return;
      }
      case 'webhook': {
        const res = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ site: file.site.id, period: file.period, subject, summary: file.summary, filename: file.filename, pdfBase64: file.pdf.toString('base64') }),
          signal: AbortSignal.timeout(30_000),
        });
        if (!res.ok) throw new Error(`webhook answered ${res.status} ${res.statusText}`);
      }
    }
  };
}
