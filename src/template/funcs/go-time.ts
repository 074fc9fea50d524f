/** time.Time.Format with Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), in local time. */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const TOKENS =
  /January|Jan|Monday|Mon|MST|2006|002|01|02|03|04|05|06|_2|15|Z07:00:00|Z070000|Z07:00|Z0700|Z07|-07:00:00|-070000|-07:00|-0700|-07|PM|pm|[.,]0+(?!\d)|[.,]9+(?!\d)|1|2|3|4|5/g;

export function formatGoDate(layout: string, d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = (colon: boolean, seconds: boolean, z: boolean) => {
    if (z && off === 0) return 'Z';
    const a = Math.abs(off);
    const sep = colon ? ':' : '';
    return `${off < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${sep}${p2(a % 60)}${seconds ? `${sep}00` : ''}`;
  };
  const hour12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  const dayOfYear = Math.floor((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86400000) + 1;
  return layout.replace(TOKENS, (t) => {
    switch (t) {
      case 'January': return MONTHS[d.getMonth()]!;
      case 'Jan': return MONTHS[d.getMonth()]!.slice(0, 3);
      case 'Monday': return DAYS[d.getDay()]!;
      case 'Mon': return DAYS[d.getDay()]!.slice(0, 3);
      case 'MST': return off === 0 ? 'UTC' : zone(false, false, false);
      case '2006': return String(d.getFullYear()).padStart(4, '0');
      case '06': return p2(d.getFullYear() % 100);
      case '002': return String(dayOfYear).padStart(3, '0');
      case '01': return p2(d.getMonth() + 1);
      case '1': return String(d.getMonth() + 1);
      case '02': return p2(d.getDate());
      case '_2': return String(d.getDate()).padStart(2, ' ');
      case '2': return String(d.getDate());
      case '15': return p2(d.getHours());
      case '03': return p2(hour12);
      case '3': return String(hour12);
      case '04': return p2(d.getMinutes());
      case '4': return String(d.getMinutes());
      case '05': return p2(d.getSeconds());
      case '5': return String(d.getSeconds());
      case 'PM': return d.getHours() >= 12 ? 'PM' : 'AM';
      case 'pm': return d.getHours() >= 12 ? 'pm' : 'am';
      case 'Z07:00:00': return zone(true, true, true);
      case 'Z070000': return zone(false, true, true);
      case 'Z07:00': return zone(true, false, true);
      case 'Z0700': return zone(false, false, true);
      case 'Z07': return off === 0 ? 'Z' : zone(false, false, false).slice(0, 3);
      case '-07:00:00': return zone(true, true, false);
      case '-070000': return zone(false, true, false);
      case '-07:00': return zone(true, false, false);
      case '-0700': return zone(false, false, false);
      case '-07': return zone(false, false, false).slice(0, 3);
      default: {
        // Fractional seconds: .000 keeps the digits, .999 drops trailing zeros (and the dot when nothing is left).
        const digits = t.length - 1;
        const frac = String(d.getMilliseconds()).padStart(3, '0').padEnd(9, '0').slice(0, digits);
        if (t[1] === '0') return t[0] + frac;
        const trimmed = frac.replace(/0+$/, '');
        return trimmed ? t[0] + trimmed : '';
      }
    }
  });
}
