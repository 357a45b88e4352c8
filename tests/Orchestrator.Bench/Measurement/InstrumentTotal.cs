using System.Diagnostics.Metrics;

namespace Orchestrator.Bench.Measurement;

/// <summary>The sum of what one counter of the services in this process has recorded since this was made.</summary>
public sealed class InstrumentTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public InstrumentTotal(string meter, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == meter && published.Name == instrument)
                listener.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
