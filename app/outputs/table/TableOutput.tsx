// An array of plain objects as a table: a header row of the keys, numeric columns right-aligned,
// and a note counting the rows the kernel did not send. It scrolls inside its own box.
import type { OutputBundle } from '../../../workers/protocol';

export function TableOutput({ output }: { output: Extract<OutputBundle, { type: 'table' }> }) {
  const more = output.totalRows - output.rows.length;
  const align = (i: number) => (output.numeric[i] ? 'numeric' : undefined);
  return (
    <div className="output table-output" data-testid="output-table">
      <div className="table-output-scroll">
        <table>
          <thead>
            <tr>
              {output.columns.map((c, i) => (
                <th key={i} scope="col" className={align(i)}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {output.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) => (
                  <td key={i} className={align(i)}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 && (
        <p className="output-elided">
          {more.toLocaleString('en-US')} more {more === 1 ? 'row' : 'rows'} ({output.totalRows.toLocaleString('en-US')} in all)
        </p>
      )}
    </div>
  );
}
