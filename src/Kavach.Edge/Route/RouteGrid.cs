namespace Kavach.Edge.Route;

/// <summary>
/// A uniform grid over the route's local frame; each cell lists the segments whose bounding box touches it. A fix looks
/// at its own cell and the eight around it, which holds every segment within one cell size of it: a fix costs the few
/// segments near it, not the route's 20 000. Immutable (compressed rows: one start per cell, one array of ids).
/// </summary>
public sealed class RouteGrid
{
    /// <summary>Default cell size, m: the matcher looks for segments within <see cref="RouteMatchOptions.MaxOffsetM"/>,
    /// which must not exceed it.</summary>
    public const double DefaultCellM = 200;

    /// <summary>Most cells a grid has (16 MB of starts); a larger route gets bigger cells.</summary>
    public const int MaxCells = 4_000_000;

    private readonly double _minX,
        _minY;
    private readonly int[] _cellStart;
    private readonly int[] _items;

    /// <summary>Cell size, m.</summary>
    public double CellM { get; }

    /// <summary>Cells east–west.</summary>
    public int Columns { get; }

    /// <summary>Cells north–south.</summary>
    public int Rows { get; }

    private RouteGrid(double minX, double minY, double cellM, int columns, int rows, int[] cellStart, int[] items)
    {
        _minX = minX;
        _minY = minY;
        CellM = cellM;
        Columns = columns;
        Rows = rows;
        _cellStart = cellStart;
        _items = items;
    }

    internal static RouteGrid Build(RouteMap map, double cellM)
    {
        double minX = double.MaxValue,
            minY = double.MaxValue,
            maxX = double.MinValue,
            maxY = double.MinValue;
        for (var i = 0; i < map.X.Length; i++)
        {
            minX = Math.Min(minX, map.X[i]);
            maxX = Math.Max(maxX, map.X[i]);
            minY = Math.Min(minY, map.Y[i]);
            maxY = Math.Max(maxY, map.Y[i]);
        }
        // one spare cell round the edge: a fix just off the route's box still finds its neighbours
        minX -= cellM;
        minY -= cellM;
        maxX += cellM;
        maxY += cellM;
        while ((Math.Floor((maxX - minX) / cellM) + 1) * (Math.Floor((maxY - minY) / cellM) + 1) > MaxCells)
            cellM *= 2;
        var columns = (int)Math.Floor((maxX - minX) / cellM) + 1;
        var rows = (int)Math.Floor((maxY - minY) / cellM) + 1;
        var count = new int[columns * rows + 1];

        // two passes over the segments: count per cell, then fill
        for (var pass = 0; pass < 2; pass++)
        {
            int[]? items = null;
            int[]? next = null;
            if (pass == 1)
            {
                // count[c + 1] held cell c's segments: summed up, count[c] is where cell c's list starts
                for (var c = 1; c < count.Length; c++)
                    count[c] += count[c - 1];
                items = new int[count[^1]];
                next = (int[])count.Clone();
            }
            for (var s = 0; s < map.SegmentCount; s++)
            {
                if (map.SegmentLine(s) < 0)
                    continue;
                int c0 = Cell(map.X[s], minX, cellM),
                    c1 = Cell(map.X[s + 1], minX, cellM),
                    r0 = Cell(map.Y[s], minY, cellM),
                    r1 = Cell(map.Y[s + 1], minY, cellM);
                for (var r = Math.Min(r0, r1); r <= Math.Max(r0, r1); r++)
                for (var c = Math.Min(c0, c1); c <= Math.Max(c0, c1); c++)
                {
                    var cell = r * columns + c;
                    if (pass == 0)
                        count[cell + 1]++;
                    else
                        items![next![cell]++] = s;
                }
            }
            if (pass == 1)
                return new RouteGrid(minX, minY, cellM, columns, rows, count, items!);
        }
        throw new InvalidOperationException("unreachable");
    }

    private static int Cell(double v, double min, double cellM) => (int)Math.Floor((v - min) / cellM);

    /// <summary>Column and row of the cell holding (<paramref name="x"/>, <paramref name="y"/>); may lie outside the grid.</summary>
    public (int Column, int Row) CellOf(double x, double y) => (Cell(x, _minX, CellM), Cell(y, _minY, CellM));

    /// <summary>The segments listed in cell (<paramref name="column"/>, <paramref name="row"/>); empty outside the grid.</summary>
    public ReadOnlySpan<int> Segments(int column, int row)
    {
        if ((uint)column >= (uint)Columns || (uint)row >= (uint)Rows)
            return [];
        var cell = row * Columns + column;
        return _items.AsSpan(_cellStart[cell], _cellStart[cell + 1] - _cellStart[cell]);
    }
}
