import QRCode from 'qrcode';

/** Renders an otpauth URI as an SVG QR code for the enrollment page. */
export function renderQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
